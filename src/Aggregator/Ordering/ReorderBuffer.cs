using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Merges the nodes' record streams into one, ordered by time on the aggregator's clock: each node's
/// timestamps plus that node's clock correction (see <see cref="SetCorrection"/>). Each node's records
/// arrive already in timestamp order (a node stamps them with a clock that never goes back), so this is a
/// k-way merge of per-node queues. A record is released once every connected node has reported progress
/// past it (its watermark), or once it has been held for the window, whichever is first. A record older
/// than what was already released is late: it comes out at once, marked, never dropped. Node events are
/// never late.
/// </summary>
public sealed class ReorderBuffer(TimeSpan window)
{
    private readonly Dictionary<string, NodeQueue> _nodes = new();
    private DateTime _released = DateTime.MinValue;

    public void Connect(string node) => QueueOf(node).Connected = true;

    /// <summary>Whether any record is held, waiting for other nodes' progress or for the window.</summary>
    public bool Holding
    {
        get
        {
            foreach (var queue in _nodes.Values)
                if (queue.Count > 0) return true;
            return false;
        }
    }

    /// <summary>
    /// What to add to this node's timestamps to put them on the aggregator's clock, from now on. Records
    /// already held keep theirs. A node's corrected times never go back: a correction a little smaller than
    /// the last (each new measurement moves it by a few microseconds) must not make its next line look older
    /// than its previous one, or late.
    /// </summary>
    public void SetCorrection(string node, TimeSpan correction) => QueueOf(node).Correction = correction;

    /// <summary>
    /// The node is gone: it no longer holds others back, and its node-down event follows its last record.
    /// </summary>
    public void Disconnect(string node, DateTime now)
    {
        var queue = QueueOf(node);
        queue.Connected = false;
        var at = queue.LastProgress == DateTime.MinValue ? now : queue.LastProgress;
        queue.Add([NodeRecord.NodeDown(at)], at, now);
    }

    public void Add(string node, IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt) =>
        QueueOf(node).Add(records, watermark, arrivedAt);

    public void Advance(string node, DateTime watermark) => QueueOf(node).Advance(watermark);

    /// <summary>Appends to <paramref name="output"/> every record that may go out at <paramref name="now"/>, in order.</summary>
    public void Release(DateTime now, List<OutputItem> output) => ReleaseUpTo(Cutoff(now), output);

    /// <summary>Everything held, in order: for shutdown.</summary>
    public void ReleaseAll(List<OutputItem> output) => ReleaseUpTo(DateTime.MaxValue, output);

    /// <summary>
    /// Everything held, node by node in arrival order, computing no time on the way: for a merge that failed
    /// (a time out of range), so that what it held still reaches the sinks. Marked late: it skipped the ordering.
    /// </summary>
    public void TakeAll(List<OutputItem> output)
    {
        foreach (var (name, queue) in _nodes)
            while (queue.Count > 0)
            {
                var (record, correction) = queue.Dequeue();
                output.Add(new OutputItem(name, record, Late: true, correction.Ticks));
            }
    }

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

    /// <summary>
    /// A k-way merge: the node whose head is oldest goes next, the first one met on a tie. Once chosen, a
    /// node keeps going for as long as it would be chosen again, since the other heads do not move: one
    /// scan of the nodes per run of records instead of per record (a node sends hundreds in a row).
    /// </summary>
    private void ReleaseUpTo(DateTime cutoff, List<OutputItem> output)
    {
        while (true)
        {
            // The oldest head and the next oldest, each with its position in the scan to settle ties.
            (string Name, NodeQueue Queue, int Index)? chosen = null;
            var nextTime = DateTime.MaxValue;
            var nextIndex = int.MaxValue;
            var index = 0;
            foreach (var (name, queue) in _nodes)
            {
                index++;
                if (queue.Count == 0) continue;
                if (chosen is not { } best || queue.HeadTime < best.Queue.HeadTime)
                {
                    if (chosen is { } previous) (nextTime, nextIndex) = (previous.Queue.HeadTime, previous.Index);
                    chosen = (name, queue, index);
                }
                else if (queue.HeadTime < nextTime)
                {
                    (nextTime, nextIndex) = (queue.HeadTime, index);
                }
            }
            if (chosen is not { } run) return;

            do
            {
                var head = run.Queue.HeadTime;
                if (head > nextTime || (head == nextTime && run.Index > nextIndex)) break;
                // No other head is older, so nothing else may go either.
                if (head > cutoff) return;
                var (record, correction) = run.Queue.Dequeue();
                var time = record.Timestamp + correction;
                // Lateness tells a reader that a line lost its place; a node event has no place to lose (node-down
                // is stamped at the node's last progress, which the others have usually long passed).
                var late = time < _released && record.Kind is not (RecordKind.NodeUp or RecordKind.NodeDown);
                if (time > _released) _released = time;
                output.Add(new OutputItem(run.Name, record, late, correction.Ticks));
            } while (run.Queue.Count > 0);
        }
    }

    private NodeQueue QueueOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var queue)) _nodes[node] = queue = new NodeQueue();
        return queue;
    }

    /// <summary>
    /// One node's records in arrival order (which is timestamp order), kept as the batches they came in,
    /// each with the clock correction it arrived under. Times here are on the aggregator's clock.
    /// </summary>
    private sealed class NodeQueue
    {
        private readonly Queue<(IReadOnlyList<NodeRecord> Records, DateTime ArrivedAt, TimeSpan Correction)> _segments = new();
        private int _headIndex;

        public bool Connected { get; set; }
        public TimeSpan Correction { get; set; }

        /// <summary>
        /// The node's progress on the aggregator's clock: no record of it still to come will be placed before
        /// this, because every later record is clamped to it (and its queued records never exceed it).
        /// </summary>
        public DateTime Watermark { get; private set; } = DateTime.MinValue;

        /// <summary>The node's own clock at its last progress report, for its node-down record.</summary>
        public DateTime LastProgress { get; private set; } = DateTime.MinValue;

        public int Count { get; private set; }

        public DateTime HeadTime
        {
            get
            {
                var (records, _, correction) = _segments.Peek();
                return records[_headIndex].Timestamp + correction;
            }
        }

        /// <summary>Adds all or nothing: a time out of range throws before anything changed.</summary>
        public void Add(IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt)
        {
            _ = watermark + Correction;
            if (records.Count > 0)
            {
                var correction = Correction;
                if (Watermark != DateTime.MinValue && records[0].Timestamp + correction < Watermark)
                    correction = Watermark - records[0].Timestamp;
                var newest = records[^1].Timestamp + correction;
                _segments.Enqueue((records, arrivedAt, correction));
                Raise(newest);
                Count += records.Count;
            }
            Advance(watermark);
        }

        public void Advance(DateTime watermark)
        {
            if (watermark > LastProgress) LastProgress = watermark;
            Raise(watermark + Correction);
        }

        private void Raise(DateTime corrected)
        {
            if (corrected > Watermark) Watermark = corrected;
        }

        public (NodeRecord Record, TimeSpan Correction) Dequeue()
        {
            var (records, _, correction) = _segments.Peek();
            var record = records[_headIndex++];
            Count--;
            if (_headIndex == records.Count)
            {
                _segments.Dequeue();
                _headIndex = 0;
            }
            return (record, correction);
        }

        /// <summary>Corrected time of the newest record that arrived before <paramref name="arrivedBefore"/>, if any.</summary>
        public DateTime? NewestExpired(DateTime arrivedBefore)
        {
            DateTime? newest = null;
            foreach (var (records, arrivedAt, correction) in _segments)
            {
                if (arrivedAt > arrivedBefore) break;
                newest = records[^1].Timestamp + correction;
            }
            return newest;
        }
    }
}
