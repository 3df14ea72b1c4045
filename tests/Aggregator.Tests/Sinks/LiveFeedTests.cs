using System.Text;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Sinks;

public sealed class LiveFeedTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Resuming_after_an_id_sends_the_items_after_it_then_the_live_ones()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Publish(Lines("web", 1, 5));

        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: feed.LastId - 2, bufferCapacity: 100);
        feed.Publish(Lines("web", 6, 6));

        Assert.Equal([4, 5, 6], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void Resuming_after_an_id_the_ring_has_dropped_starts_with_a_gap_counting_what_was_lost()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        feed.Publish(Lines("web", 1, 3));
        var lastSeen = feed.LastId;
        feed.Publish(Lines("web", 4, 25));

        var received = Drain(feed.Subscribe(_ => true, backlog: 0, afterId: lastSeen, bufferCapacity: 100));

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
        earlier.Publish(Lines("web", 1, 3));
        var later = new LiveFeed(capacity: 10, Start.AddSeconds(5));
        later.Publish(Lines("web", 1, 2));

        var received = Drain(later.Subscribe(_ => true, backlog: 0, afterId: earlier.LastId, bufferCapacity: 100));

        Assert.True(later.LastId > earlier.LastId);
        Assert.Equal([1, 2], received.Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void Backlog_is_the_last_n_matching_items_then_live()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        feed.Publish([.. Lines("web", 1, 5), .. Lines("worker", 1, 5)]);

        var subscription = feed.Subscribe(item => item.Record.Process == "web", backlog: 2, afterId: null, bufferCapacity: 100);
        feed.Publish([.. Lines("worker", 6, 6), .. Lines("web", 6, 6)]);

        Assert.Equal([4, 5, 6], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void A_client_that_falls_a_buffer_behind_is_told_exactly_how_many_it_missed()
    {
        var feed = new LiveFeed(capacity: 100, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 5);

        feed.Publish(Lines("web", 1, 12)); // 5 fit, 7 are missed
        var first = Drain(subscription);
        feed.Publish(Lines("web", 13, 13));
        var after = Drain(subscription);

        Assert.Equal([1, 2, 3, 4, 5], first.Select(e => e.Item.Record.Seq));
        Assert.Equal(RecordKind.Gap, after[0].Item.Record.Kind);
        Assert.Equal(7, after[0].Item.Record.Count);
        Assert.Equal("slow-client", after[0].Item.Record.Reason);
        Assert.Equal(13, after[1].Item.Record.Seq);
    }

    [Fact]
    public void Completing_the_feed_ends_every_subscription()
    {
        var feed = new LiveFeed(capacity: 10, Start);
        var subscription = feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 10);

        feed.CompleteAll();

        Assert.True(subscription.Reader.Completion.IsCompleted);
    }

    private static OutputItem[] Lines(string process, int from, int to) =>
        Enumerable.Range(from, to - from + 1)
            .Select(seq => new OutputItem("alpha", NodeRecord.Line(process, OutputStream.Stdout, seq, Start, Encoding.UTF8.GetBytes($"{process} {seq}"), continued: false)))
            .ToArray();

    private static List<FeedEntry> Drain(FeedSubscription subscription)
    {
        var entries = new List<FeedEntry>();
        while (subscription.Reader.TryRead(out var entry)) entries.Add(entry);
        return entries;
    }
}
