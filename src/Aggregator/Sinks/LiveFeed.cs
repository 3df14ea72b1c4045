using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// The merged stream for people watching over HTTP (WebSocket, Server-Sent Events, the page): numbers
/// each item shown (a folded line's copies are not), keeps the most recent ones in a ring for backlog and resume, and offers every item to every
/// subscription without ever waiting for one. Subscribing takes its part of the ring and joins the live
/// stream under one lock, so there is no gap and no repeat at the seam. The lock only numbers, copies and
/// registers (with nobody subscribed, a run is copied into the ring under it): filters (a grep may be slow) run outside it, on the publishing thread for the live stream and
/// on the subscribing thread for a backlog. Thread-safe: published from its <see cref="SinkActor"/> (one run at a
/// time), subscribed from request threads.
/// </summary>
/// <param name="startedAt">
/// Ids count on from this time in microseconds since 1970, so a later run of the aggregator issues larger
/// ids than any earlier run did (unless that one averaged over a million items a second). A client that
/// reconnects to a restarted aggregator then holds an id from before this run, and gets this run from its
/// start instead of waiting for ids it has already seen to come round again.
/// </param>
public sealed class LiveFeed(int capacity, DateTime startedAt) : IOutputWriter
{
    private readonly FeedEntry[] _ring = new FeedEntry[capacity];
    // Replaced, never changed in place: Write offers to the set it saw under the lock, after leaving it.
    private FeedSubscription[] _subscriptions = [];
    private readonly Lock _lock = new();
    private readonly long _idBeforeFirst = MicrosecondsSince1970(startedAt);
    private long _nextId = MicrosecondsSince1970(startedAt) + 1;

    /// <summary>Numbers the chunk's items shown, keeps them in the ring and offers them to every subscription.</summary>
    public void Write(OutputChunk chunk)
    {
        var shown = Shown(chunk);
        if (shown == 0) return;
        lock (_lock)
        {
            // Nearly always nobody watches: then only the ring wants the items, so they go straight into the ring's own
            // slots, and only the part the ring keeps is copied (a watcher subscribing now waits for that copy).
            if (_subscriptions.Length == 0)
            {
                Keep(chunk, shown);
                return;
            }
        }
        var run = new FeedEntry[shown];
        var text = CopyText(chunk, run, [], firstId: 0);
        FeedSubscription[] subscriptions;
        lock (_lock)
        {
            for (var i = 0; i < run.Length; i++)
            {
                run[i] = run[i] with { Id = _nextId };
                _ring[_nextId % capacity] = run[i];
                _nextId++;
            }
            subscriptions = _subscriptions;
        }
        // A subscription that joins now took these items from the ring; one that left gets them and drops them.
        foreach (var subscription in subscriptions) subscription.Offer(run, text);
    }

    /// <summary>
    /// Numbers the <paramref name="shown"/> items and puts what the ring keeps of them (the last <c>capacity</c>) in the
    /// ring, with their text in one buffer of its own. Under the lock, with no subscription to offer it to.
    /// </summary>
    private void Keep(OutputChunk chunk, int shown)
    {
        var kept = Math.Min(shown, capacity);
        _nextId += shown - kept;
        // Straight into the ring's slots: from the next one to the end, then round from the start.
        var slot = (int)(_nextId % capacity);
        var tail = Math.Min(kept, capacity - slot);
        CopyText(chunk, _ring.AsSpan(slot, tail), _ring.AsSpan(0, kept - tail), _nextId);
        _nextId += kept;
    }

    /// <summary>
    /// Starts a subscription that first receives the held items after <paramref name="afterId"/> (or the
    /// last <paramref name="backlog"/> matching ones when no id is given), then the live stream. An id this
    /// run never issued is taken to come from another run: the subscription starts at this run's first item.
    /// When items after the id have already left the ring, a "backlog-overrun" gap with their count comes first.
    /// The subscription queues at most <paramref name="bufferCapacity"/> records and about
    /// <paramref name="bufferBytes"/> of their text (see <see cref="FeedSubscription"/>).
    /// </summary>
    public FeedSubscription Subscribe(Predicate<OutputItem> filter, int backlog, long? afterId, int bufferCapacity, long bufferBytes)
    {
        var subscription = new FeedSubscription(bufferCapacity, bufferBytes, filter);
        FeedEntry? notice = null;
        FeedEntry[] held;
        lock (_lock)
        {
            var oldest = Math.Max(_idBeforeFirst + 1, _nextId - capacity);
            var first = backlog > 0 ? oldest : _nextId;
            if (afterId is { } id)
            {
                first = id > _idBeforeFirst && id < _nextId ? id + 1 : _idBeforeFirst + 1;
                if (first < oldest) notice = Gap(oldest - first, "backlog-overrun");
                first = Math.Max(first, oldest);
            }
            held = new FeedEntry[_nextId - first];
            for (var i = first; i < _nextId; i++) held[i - first] = _ring[i % capacity];
            _subscriptions = [.. _subscriptions, subscription];
        }
        var picked = afterId is null ? LastMatching(held, filter, Math.Min(backlog, bufferCapacity)) : held.Where(e => filter(e.Item)).ToList();
        subscription.StartWith(notice, picked);
        return subscription;
    }

    /// <summary>How many watchers are subscribed now.</summary>
    public int Watchers => Volatile.Read(ref _subscriptions).Length;

    public void Unsubscribe(FeedSubscription subscription)
    {
        lock (_lock) _subscriptions = Array.FindAll(_subscriptions, s => s != subscription);
        subscription.Complete();
    }

    /// <summary>Ends every subscription, so watchers are told the stream is over rather than left hanging.</summary>
    public void CompleteAll()
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions) subscription.Complete();
            _subscriptions = [];
        }
    }

    /// <summary>A notice for one subscriber about items it will not get; it spans every source, so it names none.</summary>
    public static FeedEntry Gap(long count, string reason) =>
        new(FeedEntry.NoticeId, new OutputItem("", NodeRecord.Gap(null, count, reason, DateTime.UtcNow)));

    private static long MicrosecondsSince1970(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static List<FeedEntry> LastMatching(FeedEntry[] held, Predicate<OutputItem> filter, int count)
    {
        var picked = new List<FeedEntry>(Math.Min(count, held.Length));
        for (var i = held.Length - 1; i >= 0 && picked.Count < count; i--)
            if (filter(held[i].Item)) picked.Add(held[i]);
        picked.Reverse();
        return picked;
    }

    /// <summary>
    /// How many items watchers see: a folded line's copies (<see cref="OutputItem.FoldedAway"/>) are never in the feed, so
    /// ids number what watchers can get, and a resume or a backlog never meets a hole.
    /// </summary>
    private static int Shown(OutputChunk chunk)
    {
        var shown = 0;
        foreach (var run in chunk.Runs)
            if (!run.FoldedAway) shown += run.Count;
        return shown;
    }

    /// <summary>
    /// The last items shown of the chunk, as many as fit in <paramref name="entries"/> and then <paramref name="more"/>,
    /// in order, numbered from <paramref name="firstId"/>, each pointing into one fresh buffer that holds the text of
    /// exactly those: the ring and the watchers then keep only what they show, not every received batch that one of its
    /// lines happened to point into (and whoever wrote the chunk may reuse its buffers). Runs before those are not looked at.
    /// </summary>
    private static byte[] CopyText(OutputChunk chunk, Span<FeedEntry> entries, Span<FeedEntry> more, long firstId)
    {
        // From the back: which run the first entry wanted is in, and from where in it.
        var (first, skip, left) = (chunk.Runs.Count, 0, entries.Length + more.Length);
        while (left > 0)
        {
            var run = chunk.Runs[--first];
            if (run.FoldedAway) continue;
            skip = Math.Max(0, run.Count - left);
            left -= run.Count - skip;
        }
        var size = 0;
        for (var r = first; r < chunk.Runs.Count; r++)
        {
            var run = chunk.Runs[r];
            if (run.FoldedAway) continue;
            foreach (ref readonly var record in r == first ? run.Skip(skip) : run) size += record.Text.Length;
        }
        var text = GC.AllocateUninitializedArray<byte>(size);
        var (offset, index) = (0, 0);
        for (var r = first; r < chunk.Runs.Count; r++)
        {
            var run = chunk.Runs[r];
            if (run.FoldedAway) continue;
            if (r == first) run = run.Skip(skip);
            foreach (ref readonly var record in run)
            {
                var length = record.Text.Length;
                record.Text.Span.CopyTo(text.AsSpan(offset));
                ref var entry = ref index < entries.Length ? ref entries[index] : ref more[index - entries.Length];
                entry = new FeedEntry(firstId + index,
                    new OutputItem(run.Node, record with { Text = new ReadOnlyMemory<byte>(text, offset, length) }, run.Late, run.CorrectionTicks, run.FoldedNodes));
                offset += length;
                index++;
            }
        }
        return text;
    }
}
