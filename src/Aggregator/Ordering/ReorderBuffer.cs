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
/// <para>
/// Nothing here looks at every node per batch: with a hundred busy nodes a scan of all of them for each run
/// of records cost more than writing the records out (bench/scale.sh). The oldest head, the lowest watermark
/// and the batch held longest each come from a heap, so a release costs the log of the node count.
/// </para>
/// </summary>
public sealed class ReorderBuffer(TimeSpan window)
{
    private readonly Dictionary<string, NodeQueue> _nodes = new();
    // Every node holding records, once, by its oldest record's time; a tie goes to the node seen first.
    private readonly PriorityQueue<NodeQueue, (DateTime Head, int Order)> _heads = new();
    // Every connected node, by its watermark as it was when queued: watermarks only rise, so an entry below its
    // node's watermark (or of a node since disconnected) is put right when it comes to the top.
    private readonly PriorityQueue<NodeQueue, DateTime> _watermarks = new();
    // Every batch added, by arrival, with its newest record's time: for the window. Batches since released are skipped.
    private readonly PriorityQueue<(NodeQueue Queue, long Segment, DateTime Newest), DateTime> _arrivals = new();
    private DateTime _released = DateTime.MinValue;

    public void Connect(string node)
    {
        var queue = QueueOf(node);
        queue.Connected = true;
        if (queue.InWatermarks) return;
        _watermarks.Enqueue(queue, queue.Watermark);
        queue.InWatermarks = true;
    }

    /// <summary>Whether any record is held, waiting for other nodes' progress or for the window.</summary>
    public bool Holding => _heads.Count > 0;

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
        Add(queue, [NodeRecord.NodeDown(at)], at, now);
    }

    public void Add(string node, IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt) =>
        Add(QueueOf(node), records, watermark, arrivedAt);

    private void Add(NodeQueue queue, IReadOnlyList<NodeRecord> records, DateTime watermark, DateTime arrivedAt)
    {
        var wasEmpty = queue.Count == 0;
        if (queue.Add(records, watermark) is not { } newest) return;
        if (wasEmpty) _heads.Enqueue(queue, (queue.HeadTime, queue.Order));
        _arrivals.Enqueue((queue, queue.SegmentsAdded, newest), arrivedAt);
    }

    public void Advance(string node, DateTime watermark) => QueueOf(node).Advance(watermark);

    /// <summary>Appends to <paramref name="output"/> every record that may go out at <paramref name="now"/>, in order.</summary>
    public void Release(DateTime now, List<OutputItem> output) => ReleaseUpTo(Cutoff(now), output);

    /// <summary>Everything held, in order: for shutdown.</summary>
    public void ReleaseAll(List<OutputItem> output)
    {
        ReleaseUpTo(DateTime.MaxValue, output);
        _arrivals.Clear();
    }

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
        _heads.Clear();
        _arrivals.Clear();
    }

    private DateTime Cutoff(DateTime now)
    {
        var cutoff = LowestWatermark();
        if (cutoff == DateTime.MaxValue)
        {
            _arrivals.Clear(); // everything goes
            return cutoff;
        }

        // The window bounds the wait: whatever has been held that long goes, with everything before it. The
        // release that follows takes every batch looked at here (each is at or below the cutoff), so none is kept.
        var expiredBefore = now - window;
        while (_arrivals.TryPeek(out var batch, out var arrivedAt) && arrivedAt <= expiredBefore)
        {
            _arrivals.Dequeue();
            if (batch.Segment > batch.Queue.SegmentsReleased && batch.Newest > cutoff) cutoff = batch.Newest;
        }
        return cutoff;
    }

    /// <summary>The lowest watermark of the connected nodes; <see cref="DateTime.MaxValue"/> when none is connected.</summary>
    private DateTime LowestWatermark()
    {
        while (_watermarks.TryPeek(out var queue, out var queued))
        {
            if (!queue.Connected)
            {
                _watermarks.Dequeue();
                queue.InWatermarks = false;
            }
            else if (queued != queue.Watermark) _watermarks.DequeueEnqueue(queue, queue.Watermark);
            else return queued;
        }
        return DateTime.MaxValue;
    }

    /// <summary>
    /// A k-way merge: the node whose head is oldest goes next, the node seen first on a tie. Once chosen, a node
    /// keeps going for as long as it would be chosen again, since the other heads do not move: one look at the
    /// heap per run of records instead of per record (a node sends hundreds in a row).
    /// </summary>
    private void ReleaseUpTo(DateTime cutoff, List<OutputItem> output)
    {
        while (_heads.TryDequeue(out var run, out _))
        {
            var (nextTime, nextOrder) = _heads.TryPeek(out _, out var next) ? next : (DateTime.MaxValue, int.MaxValue);
            do
            {
                var head = run.HeadTime;
                if (head > nextTime || (head == nextTime && run.Order > nextOrder)) break;
                // No other head is older, so nothing else may go either.
                if (head > cutoff)
                {
                    _heads.Enqueue(run, (head, run.Order));
                    return;
                }
                var (record, correction) = run.Dequeue();
                var time = record.Timestamp + correction;
                // Lateness tells a reader that a line lost its place; a node event has no place to lose (node-down
                // is stamped at the node's last progress, which the others have usually long passed).
                var late = time < _released && record.Kind is not (RecordKind.NodeUp or RecordKind.NodeDown);
                if (time > _released) _released = time;
                output.Add(new OutputItem(run.Name, record, late, correction.Ticks));
            } while (run.Count > 0);
            if (run.Count > 0) _heads.Enqueue(run, (run.HeadTime, run.Order));
        }
    }

    private NodeQueue QueueOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var queue)) _nodes[node] = queue = new NodeQueue(node, _nodes.Count);
        return queue;
    }

    /// <summary>
    /// One node's records in arrival order (which is timestamp order), kept as the batches they came in,
    /// each with the clock correction it arrived under. Times here are on the aggregator's clock.
    /// </summary>
    private sealed class NodeQueue(string name, int order)
    {
        // Arrays, not the batches' lists: the release reads each record in place, with no interface call per record.
        private readonly Queue<(NodeRecord[] Records, TimeSpan Correction)> _segments = new();
        private int _headIndex;

        public string Name { get; } = name;

        /// <summary>When the node was first seen, among all: ties between heads go to the lower.</summary>
        public int Order { get; } = order;

        /// <summary>Batches (segments) added and fully released so far: segment n is still held while n > SegmentsReleased.</summary>
        public long SegmentsAdded { get; private set; }
        public long SegmentsReleased { get; private set; }

        /// <summary>Whether it has an entry among the watermarks.</summary>
        public bool InWatermarks { get; set; }

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
                var (records, correction) = _segments.Peek();
                return records[_headIndex].Timestamp + correction;
            }
        }

        /// <summary>
        /// Adds all or nothing: a time out of range throws before anything changed. Returns the corrected time of
        /// the newest record added, or null when there were none.
        /// </summary>
        public DateTime? Add(IReadOnlyList<NodeRecord> records, DateTime watermark)
        {
            _ = watermark + Correction;
            DateTime? added = null;
            if (records.Count > 0)
            {
                var correction = Correction;
                if (Watermark != DateTime.MinValue && records[0].Timestamp + correction < Watermark)
                    correction = Watermark - records[0].Timestamp;
                var newest = records[^1].Timestamp + correction;
                _segments.Enqueue((records as NodeRecord[] ?? records.ToArray(), correction));
                SegmentsAdded++;
                Raise(newest);
                Count += records.Count;
                added = newest;
            }
            Advance(watermark);
            return added;
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
            var (records, correction) = _segments.Peek();
            var record = records[_headIndex++];
            Count--;
            if (_headIndex == records.Length)
            {
                _segments.Dequeue();
                SegmentsReleased++;
                _headIndex = 0;
            }
            return (record, correction);
        }
    }
}
