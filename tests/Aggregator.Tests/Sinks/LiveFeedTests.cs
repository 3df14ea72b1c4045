using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Sinks;

public sealed class LiveFeedTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const long OneMiB = 1 << 20;

    [Fact]
    public void Resuming_after_an_id_sends_the_items_after_it_then_the_live_ones()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Write(Lines("web", 1, 5));

        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: NewestId(feed) - 2, bufferCapacity: 100, bufferBytes: OneMiB);
        feed.Write(Lines("web", 6, 6));

        Assert.Equal([4, 5, 6], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void Resuming_after_an_id_the_ring_has_dropped_starts_with_a_gap_counting_what_was_lost()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Write(Lines("web", 1, 3));
        var lastSeen = NewestId(feed);
        feed.Write(Lines("web", 4, 25));

        var received = Drain(feed.Subscribe(_ => true, backlog: 0, afterId: lastSeen, bufferCapacity: 100, bufferBytes: OneMiB));

        var gap = received[0];
        Assert.Equal(FeedEntry.NoticeId, gap.Id);
        Assert.Equal(RecordKind.Gap, gap.Item.Record.Kind);
        Assert.Equal(12, gap.Item.Record.Count); // 4 to 15 left the ring of 10
        Assert.Equal("backlog-overrun", gap.Item.Record.Reason);
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), received.Skip(1).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void An_id_from_an_earlier_run_resumes_at_this_runs_first_item()
    {
        var earlier = new LiveFeed(capacity: 10, Start);
        earlier.Write(Lines("web", 1, 3));
        var later = new LiveFeed(capacity: 10, Start.AddSeconds(5));
        later.Write(Lines("web", 1, 2));

        var received = Drain(later.Subscribe(_ => true, backlog: 0, afterId: NewestId(earlier), bufferCapacity: 100, bufferBytes: OneMiB));

        Assert.True(NewestId(later) > NewestId(earlier));
        Assert.Equal([1, 2], received.Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void Backlog_is_the_last_n_matching_items_then_live()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        feed.Write([.. Lines("web", 1, 5), .. Lines("worker", 1, 5)]);

        var subscription = feed.Subscribe(item => item.Record.Process == "web", backlog: 2, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB);
        feed.Write([.. Lines("worker", 6, 6), .. Lines("web", 6, 6)]);

        Assert.Equal([4, 5, 6], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void A_client_that_falls_a_buffer_behind_is_told_exactly_how_many_it_missed()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 5, bufferBytes: OneMiB);

        feed.Write(Lines("web", 1, 12)); // 5 fit, 7 are missed
        var first = Drain(subscription, 3);
        feed.Write(Lines("web", 13, 13)); // room for the gap and the line again
        var after = Drain(subscription);

        Assert.Equal([1, 2, 3], first.Select(e => e.Item.Record.Seq));
        Assert.Equal([4, 5], after.Take(2).Select(e => e.Item.Record.Seq));
        Assert.Equal(RecordKind.Gap, after[2].Item.Record.Kind);
        Assert.Equal(7, after[2].Item.Record.Count);
        Assert.Equal("slow-client", after[2].Item.Record.Reason);
        Assert.Equal(13, after[3].Item.Record.Seq);
        Assert.Equal(4, after.Count);
    }

    [Fact]
    public void A_client_that_fell_behind_learns_of_its_gap_once_it_has_read_what_was_queued_though_nothing_more_comes()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 5, bufferBytes: OneMiB);

        feed.Write(Lines("web", 1, 12)); // 5 fit, 7 are missed; then the burst is over
        var received = Drain(subscription);

        Assert.Equal([1, 2, 3, 4, 5], received.Take(5).Select(e => e.Item.Record.Seq));
        Assert.Equal(6, received.Count);
        Assert.Equal(RecordKind.Gap, received[5].Item.Record.Kind);
        Assert.Equal(7, received[5].Item.Record.Count);
        Assert.False(subscription.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_reader_that_took_the_last_queued_item_and_then_waits_is_woken_for_the_pending_gap()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 5, bufferBytes: OneMiB);
        feed.Write(Lines("web", 1, 12));

        Assert.Equal(5, Drain(subscription, 5).Count); // a writer loop that stops after a batch, as /events does

        Assert.True(await subscription.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(subscription.Reader.TryRead(out var gap));
        Assert.Equal(7, gap.Item.Record.Count);
    }

    [Fact]
    public async Task A_slow_filter_on_the_live_stream_never_holds_the_feed_for_others()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        using var inFilter = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        feed.Subscribe(item => { inFilter.Set(); release.Wait(); return true; }, backlog: 0, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB);

        var publishing = Task.Run(() => feed.Write(Lines("web", 1, 3)));
        Assert.True(inFilter.Wait(TimeSpan.FromSeconds(10)));
        var others = Task.Run(() =>
        {
            var other = feed.Subscribe(_ => true, backlog: 10, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB);
            feed.Unsubscribe(other);
        });

        var finished = await Task.WhenAny(others, Task.Delay(TimeSpan.FromSeconds(5)));
        release.Set();
        await publishing;
        Assert.Same(others, finished);
    }

    [Fact]
    public async Task A_slow_filter_over_the_backlog_never_holds_up_publishing_and_the_backlog_still_comes_first()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        feed.Write(Lines("web", 1, 3));
        using var inFilter = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // Slow over the backlog's first line only, so the live line is not held up by the same filter.
        var subscribing = Task.Run(() => feed.Subscribe(item =>
        {
            if (item.Record.Seq == 1) { inFilter.Set(); release.Wait(); }
            return true;
        }, backlog: 10, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB));
        Assert.True(inFilter.Wait(TimeSpan.FromSeconds(10)));

        var publishing = Task.Run(() => feed.Write(Lines("web", 4, 4)));
        var finished = await Task.WhenAny(publishing, Task.Delay(TimeSpan.FromSeconds(5)));
        release.Set();
        var slow = await subscribing;
        await publishing;

        Assert.Same(publishing, finished);
        Assert.Equal([1, 2, 3, 4], Drain(slow).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void A_stalled_watcher_with_a_narrow_filter_pins_only_the_text_it_holds_not_whole_chunks()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var stalled = feed.Subscribe(item => item.Record.Seq % 1000 == 1, backlog: 0, afterId: null, bufferCapacity: 100_000, bufferBytes: OneMiB);

        for (var chunk = 0; chunk < 50; chunk++)
            feed.Write(Lines("web", chunk * 1000 + 1, chunk * 1000 + 1000, bytes: 1000)); // 1 MB a chunk, one line of it wanted

        var held = Drain(stalled);
        Assert.Equal(50, held.Count);
        Assert.InRange(PinnedBytes(held), 50 * 1000, 50 * 1000 * 2);
    }

    [Fact]
    public void A_stalled_watcher_holds_at_most_twice_its_byte_bound_of_text_and_is_told_of_the_rest()
    {
        const int bound = 10_000;
        var feed = new LiveFeed(capacity: 100, Start);
        var slow = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 100_000, bufferBytes: bound);
        var received = new List<FeedEntry>();

        // A reader that takes one record per run: each run finds room for one more line, and no more.
        for (var run = 0; run < 200; run++)
        {
            feed.Write(Lines("web", run * 100 + 1, run * 100 + 100, bytes: 1000));
            Assert.True(slow.Reader.TryRead(out var one));
            received.Add(one);
        }
        var queued = Drain(slow);
        received.AddRange(queued);

        Assert.InRange(PinnedBytes(queued), 1, 2 * bound);
        var lines = received.Count(e => e.Item.Record.Kind == RecordKind.Line);
        var missed = received.Where(e => e.Item.Record.Kind == RecordKind.Gap).Sum(e => e.Item.Record.Count);
        Assert.Equal(200 * 100, lines + missed);
        Assert.Equal(RecordKind.Gap, received[^1].Item.Record.Kind); // the last misses, told with nothing more to come
    }

    [Fact]
    public void A_queued_record_takes_at_most_128_bytes_besides_its_text()
    {
        // README and aggregator.conf state a stalled watcher's memory from this.
        Assert.InRange(Unsafe.SizeOf<FeedEntry>(), 1, 128);
    }

    [Fact]
    public void Completing_the_feed_ends_every_subscription()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 10, bufferBytes: OneMiB);

        feed.CompleteAll();

        Assert.True(subscription.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void A_folded_lines_copies_are_not_in_the_feed_so_ids_number_only_what_watchers_get()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        var shown = Lines("task-t1", 1, 1)[0] with { FoldedNodes = ["alpha", "beta"] };
        var away = new OutputItem("beta", shown.Record, FoldedAway: true);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB);

        feed.Write([..Lines("web", 1, 1), shown, away, ..Lines("web", 2, 2)]);
        feed.Write([away]);

        var received = Drain(subscription);
        Assert.Equal([("web", false), ("task-t1", true), ("web", false)], received.Select(e => (e.Item.Record.Process, e.Item.FoldedNodes is not null)));
        Assert.Equal([1L, 1L], received.Zip(received.Skip(1), (a, b) => b.Id - a.Id));
        Assert.Equal(received[^1].Id, NewestId(feed));
    }

    [Fact]
    public void A_run_longer_than_the_ring_written_with_nobody_watching_leaves_a_late_watcher_exactly_its_last_n()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Write(Lines("web", 1, 4));
        var before = NewestId(feed);
        feed.Write(Lines("web", 5, 30));

        var late = Drain(feed.Subscribe(_ => true, backlog: 10, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB));

        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), late.Select(e => e.Item.Record.Seq));
        Assert.Equal(Enumerable.Range(21, 10).Select(i => $"web {i}"), late.Select(e => Encoding.UTF8.GetString(e.Item.Record.Text.Span)));
        // Every item of the run was numbered, those the ring no longer holds too.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => before + 16 + i), late.Select(e => e.Id));
    }

    [Fact]
    public void The_last_n_across_runs_of_several_nodes_are_kept_exactly_with_a_folded_lines_copies_left_out()
    {
        var feed = new LiveFeed(capacity: 6, Start);
        var shown = Lines("task-t1", 1, 1)[0] with { FoldedNodes = ["alpha", "beta"] };
        var away = new OutputItem("beta", shown.Record, FoldedAway: true);
        var beta = Lines("db", 1, 4).Select(i => i with { Node = "beta" });
        // Runs: alpha web 1-5, beta db 1-4, the folded line, its copy, alpha web 6-7: the ring keeps db 2-4, the line, web 6-7.
        var chunk = Chunks.Chunk([.. Lines("web", 1, 5), .. beta, shown, away, .. Lines("web", 6, 7)]);
        Assert.Equal(5, chunk.Runs.Count);
        feed.Write(chunk);

        var late = Drain(feed.Subscribe(_ => true, backlog: 6, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB));

        Assert.Equal(["db 2", "db 3", "db 4", "task-t1 1", "web 6", "web 7"], late.Select(e => Encoding.UTF8.GetString(e.Item.Record.Text.Span)));
        Assert.Equal(["beta", "beta", "beta", "alpha", "alpha", "alpha"], late.Select(e => e.Item.Node));
        Assert.Equal(["alpha", "beta"], late[3].Item.FoldedNodes!);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => late[0].Id + i), late.Select(e => e.Id));
        // Twelve items shown (the copy is not), so the newest id is the twelfth the feed issued.
        Assert.Equal(MicrosecondsSince1970(Start) + 12, late[^1].Id);
    }

    [Fact]
    public void A_watcher_gets_every_run_of_a_chunk_in_order_with_consecutive_ids()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB);

        feed.Write(Chunks.Chunk([.. Lines("web", 1, 3), .. Lines("db", 1, 2).Select(i => i with { Node = "beta" }), .. Lines("web", 4, 4)]));

        var received = Drain(subscription);
        Assert.Equal(["web 1", "web 2", "web 3", "db 1", "db 2", "web 4"], received.Select(e => Encoding.UTF8.GetString(e.Item.Record.Text.Span)));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => received[0].Id + i), received.Select(e => e.Id));
    }

    [Fact]
    public void With_nobody_watching_the_ring_keeps_its_own_copy_of_the_text_not_the_written_buffers()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        var items = Lines("web", 1, 3);
        feed.Write(items);
        // Whoever wrote the run may reuse its buffers once the write returned.
        foreach (var item in items)
            if (MemoryMarshal.TryGetArray(item.Record.Text, out var segment)) segment.AsSpan().Fill((byte)'x');

        var late = Drain(feed.Subscribe(_ => true, backlog: 3, afterId: null, bufferCapacity: 100, bufferBytes: OneMiB));

        Assert.Equal(["web 1", "web 2", "web 3"], late.Select(e => Encoding.UTF8.GetString(e.Item.Record.Text.Span)));
    }

    [Fact]
    public void Resuming_from_an_id_given_while_nobody_watched_continues_with_the_next_item()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Write(Lines("web", 1, 3));
        var seen = NewestId(feed);
        feed.Write(Lines("web", 4, 6));
        feed.Write(Lines("web", 7, 7));

        var resumed = Drain(feed.Subscribe(_ => true, backlog: 0, afterId: seen, bufferCapacity: 100, bufferBytes: OneMiB));

        Assert.Equal([4L, 5L, 6L, 7L], resumed.Select(e => e.Item.Record.Seq));
        Assert.Equal([seen + 1, seen + 2, seen + 3, seen + 4], resumed.Select(e => e.Id));
    }

    private static OutputItem[] Lines(string process, int from, int to, int bytes = 0) =>
        Enumerable.Range(from, to - from + 1)
            .Select(seq => new OutputItem("alpha", NodeRecord.Line(process, OutputStream.Stdout, seq, Start, Encoding.UTF8.GetBytes($"{process} {seq}".PadRight(bytes, '.')), continued: false)))
            .ToArray();

    /// <summary>The bytes of every distinct buffer the entries' text lies in: what holding them keeps from the collector.</summary>
    private static long PinnedBytes(IEnumerable<FeedEntry> entries)
    {
        var buffers = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
            if (MemoryMarshal.TryGetArray(entry.Item.Record.Text, out var segment) && segment.Array is { } array) buffers.Add(array);
        return buffers.Sum(b => (long)b.Length);
    }

    private static long MicrosecondsSince1970(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>The id of the newest item, as a watcher receives it (and would resume after).</summary>
    private static long NewestId(LiveFeed feed)
    {
        var subscription = feed.Subscribe(_ => true, backlog: 1, afterId: null, bufferCapacity: 1, bufferBytes: OneMiB);
        var id = Drain(subscription).Single().Id;
        feed.Unsubscribe(subscription);
        return id;
    }

    private static List<FeedEntry> Drain(FeedSubscription subscription, int most = int.MaxValue)
    {
        var entries = new List<FeedEntry>();
        while (entries.Count < most && subscription.Reader.TryRead(out var entry)) entries.Add(entry);
        return entries;
    }
}
