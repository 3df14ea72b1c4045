using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// The merged stream for people watching over HTTP (WebSocket, Server-Sent Events, the page): numbers
/// each item, keeps the most recent ones in a ring for backlog and resume, and offers every item to every
/// subscription without ever waiting for one. Subscribing takes the backlog and joins the live stream under
/// one lock, so there is no gap and no repeat at the seam. Thread-safe: published from the feed sink actor,
/// subscribed from request threads.
/// </summary>
public sealed class LiveFeed(int capacity)
{
    private readonly FeedEntry[] _ring = new FeedEntry[capacity];
    private readonly List<FeedSubscription> _subscriptions = [];
    private readonly Lock _lock = new();
    private long _nextId = 1;

    /// <summary>Id of the newest item published so far (0 before the first).</summary>
    public long LastId
    {
        get { lock (_lock) return _nextId - 1; }
    }

    public void Publish(IReadOnlyList<OutputItem> items)
    {
        var compact = Compact(items);
        lock (_lock)
        {
            foreach (var item in compact)
            {
                var entry = new FeedEntry(_nextId, item);
                _ring[_nextId % capacity] = entry;
                _nextId++;
                foreach (var subscription in _subscriptions)
                    if (subscription.Matches(item)) subscription.Offer(entry);
            }
        }
    }

    /// <summary>
    /// Starts a subscription that first receives the held items after <paramref name="afterId"/> (or the
    /// last <paramref name="backlog"/> matching ones when no id is given), then the live stream.
    /// </summary>
    public FeedSubscription Subscribe(Predicate<OutputItem> filter, int backlog, long? afterId, int bufferCapacity)
    {
        var subscription = new FeedSubscription(bufferCapacity, filter);
        lock (_lock)
        {
            var oldest = Math.Max(1, _nextId - capacity);
            var first = afterId is { } id ? Math.Max(id + 1, oldest) : FirstOfLastMatching(filter, Math.Min(backlog, bufferCapacity), oldest);
            for (var i = first; i < _nextId; i++)
                if (subscription.Matches(_ring[i % capacity].Item)) subscription.Offer(_ring[i % capacity]);
            _subscriptions.Add(subscription);
        }
        return subscription;
    }

    public void Unsubscribe(FeedSubscription subscription)
    {
        lock (_lock) _subscriptions.Remove(subscription);
        subscription.Complete();
    }

    /// <summary>Ends every subscription, so watchers are told the stream is over rather than left hanging.</summary>
    public void CompleteAll()
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions) subscription.Complete();
            _subscriptions.Clear();
        }
    }

    private long FirstOfLastMatching(Predicate<OutputItem> filter, int count, long oldest)
    {
        var first = _nextId;
        for (var i = _nextId - 1; i >= oldest && count > 0; i--)
        {
            if (!filter(_ring[i % capacity].Item)) continue;
            first = i;
            count--;
        }
        return first;
    }

    /// <summary>
    /// Copies the text of a chunk's lines into one fresh buffer: the ring then keeps only what it shows,
    /// not every received batch that one of its lines happened to point into.
    /// </summary>
    private static OutputItem[] Compact(IReadOnlyList<OutputItem> items)
    {
        var size = 0;
        foreach (var item in items) size += item.Record.Text.Length;
        var buffer = new byte[size];
        var offset = 0;
        var compact = new OutputItem[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var record = items[i].Record;
            if (record.Text.Length > 0)
            {
                record.Text.Span.CopyTo(buffer.AsSpan(offset));
                record = record with { Text = new ReadOnlyMemory<byte>(buffer, offset, record.Text.Length) };
                offset += record.Text.Length;
            }
            compact[i] = items[i] with { Record = record };
        }
        return compact;
    }
}
