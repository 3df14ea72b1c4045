using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Merges the nodes' record streams into one, ordered by the nodes' timestamps. Each node's records arrive
/// already in timestamp order (a node stamps them with a clock that never goes back), so this is a k-way
/// merge of per-node queues. A record is released once every connected node has reported progress past
/// it (its watermark), or once it has been held for the window, whichever is first. A record older than
/// what was already released is late: it comes out at once, marked, never dropped.
/// </summary>
public sealed class ReorderBuffer(TimeSpan window)
{
    private readonly Dictionary<string, NodeQueue> _nodes = new();
    private DateTime _released = DateTime.MinValue;

    public int Held => _nodes.Values.Sum(n => n.Count);

    public void Connect(string node) => QueueOf(node).Connected = true;

    /// <summary>
    /// The node is gone: it no longer holds others back, and its node-down event follows its last record.
    /// </summary>
    public void Disconnect(string node, DateTime now)
    {
        var queue = QueueOf(node);
        queue.Connected = false;
        var at = queue.Watermark == DateTime.MinValue ? now : queue.Watermark;
        queue.Add([new NodeRecord(RecordKind.NodeDown, null, OutputStream.Stdout, 0, at, default)], at, now);
    }

    public void Add(string node, IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt) =>
        QueueOf(node).Add(records, watermark, arrivedAt);

    public void Advance(string node, DateTime watermark)
    {
        var queue = QueueOf(node);
        if (watermark > queue.Watermark) queue.Watermark = watermark;
    }

    /// <summary>Appends to <paramref name="output"/> every record that may go out at <paramref name="now"/>, in order.</summary>
    public void Release(DateTime now, List<OutputItem> output) => ReleaseUpTo(Cutoff(now), output);

    /// <summary>Everything held, in order: for shutdown.</summary>
    public void ReleaseAll(List<OutputItem> output) => ReleaseUpTo(DateTime.MaxValue, output);

    private DateTime Cutoff(DateTime now)
    {
        var cutoff = DateTime.MaxValue;
        foreach (var queue in _nodes.Values)
            if (queue.Connected && queue.Watermark < cutoff) cutoff = queue.Watermark;
        if (cutoff == DateTime.MaxValue) return cutoff;

        // The window bounds the wait: whatever has been held that long goes, with everything before it.
        var expiredBefore = now - window;
        foreach (var queue in _nodes.Values)
            if (queue.NewestExpired(expiredBefore) is { } expired && expired > cutoff) cutoff = expired;
        return cutoff;
    }

    private void ReleaseUpTo(DateTime cutoff, List<OutputItem> output)
    {
        while (true)
        {
            KeyValuePair<string, NodeQueue>? next = null;
            foreach (var entry in _nodes)
                if (entry.Value.Count > 0 && (next is null || entry.Value.Head.Timestamp < next.Value.Value.Head.Timestamp))
                    next = entry;
            if (next is not { } chosen || chosen.Value.Head.Timestamp > cutoff) return;

            var record = chosen.Value.Dequeue();
            var late = record.Timestamp < _released;
            if (!late) _released = record.Timestamp;
            output.Add(new OutputItem(chosen.Key, record, late));
        }
    }

    private NodeQueue QueueOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var queue)) _nodes[node] = queue = new NodeQueue();
        return queue;
    }

    /// <summary>One node's records in arrival order (which is timestamp order), kept as the batches they came in.</summary>
    private sealed class NodeQueue
    {
        private readonly Queue<(IReadOnlyList<NodeRecord> Records, DateTime ArrivedAt)> _segments = new();
        private int _headIndex;

        public bool Connected { get; set; }
        public DateTime Watermark { get; set; } = DateTime.MinValue;
        public int Count { get; private set; }

        public NodeRecord Head => _segments.Peek().Records[_headIndex];

        public void Add(IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt)
        {
            if (records.Count > 0)
            {
                _segments.Enqueue((records, arrivedAt));
                Count += records.Count;
            }
            if (watermark > Watermark) Watermark = watermark;
        }

        public NodeRecord Dequeue()
        {
            var (records, _) = _segments.Peek();
            var record = records[_headIndex++];
            Count--;
            if (_headIndex == records.Count)
            {
                _segments.Dequeue();
                _headIndex = 0;
            }
            return record;
        }

        /// <summary>Timestamp of the newest record that arrived before <paramref name="arrivedBefore"/>, if any.</summary>
        public DateTime? NewestExpired(DateTime arrivedBefore)
        {
            DateTime? newest = null;
            foreach (var (records, arrivedAt) in _segments)
            {
                if (arrivedAt > arrivedBefore) break;
                newest = records[^1].Timestamp;
            }
            return newest;
        }
    }
}
