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
/// Records are kept as the batches they came in and leave as runs (<see cref="OutputRun"/>): a stretch of one batch,
/// told by where it starts and how many, never copied or taken out one by one. A run ends where another node's record
/// goes first, where the cutoff is, where its batch ends, or where the late mark changes.
/// </para>
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
    public void Release(DateTime now, List<OutputRun> output) => ReleaseUpTo(Cutoff(now), output);

    /// <summary>Everything held, in order: for shutdown.</summary>
    public void ReleaseAll(List<OutputRun> output)
    {
        ReleaseUpTo(DateTime.MaxValue, output);
        _arrivals.Clear();
    }

    /// <summary>
    /// Everything held, node by node in arrival order, computing no time on the way: for a merge that failed
    /// (a time out of range), so that what it held still reaches the sinks. Marked late: it skipped the ordering.
    /// </summary>
    public void TakeAll(List<OutputRun> output)
    {
        foreach (var queue in _nodes.Values)
            while (queue.Count > 0)
            {
                var (records, start, correction) = queue.Head;
                var count = records.Count - start;
                output.Add(new OutputRun(queue.Name, records, start, count, correction.Ticks, Late: true));
                queue.Dequeue(count);
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
    private void ReleaseUpTo(DateTime cutoff, List<OutputRun> output)
    {
        while (_heads.TryDequeue(out var queue, out _))
        {
            var (nextTime, nextOrder) = _heads.TryPeek(out _, out var next) ? next : (DateTime.MaxValue, int.MaxValue);
            // The queue's earlier heads came first among equal times, so on a tie it goes on only when it is the elder.
            var goesOnTie = queue.Order < nextOrder;
            while (queue.Count > 0)
            {
                var (records, start, correction) = queue.Head;
                var end = start;
                var late = false;
                var stop = Stop.None;
                try
                {
                    for (; end < records.Count; end++)
                    {
                        var time = BatchRecords.TimestampAt(records, end) + correction;
                        if (time > nextTime || (time == nextTime && !goesOnTie))
                        {
                            stop = Stop.OtherNode;
                            break;
                        }
                        // No other head is older, so nothing else may go either.
                        if (time > cutoff)
                        {
                            stop = Stop.Cutoff;
                            break;
                        }
                        // Lateness tells a reader that a line lost its place; a node event has no place to lose (node-down
                        // is stamped at the node's last progress, which the others have usually long passed).
                        var isLate = time < _released && !BatchRecords.IsNodeEventAt(records, end);
                        if (isLate != late && end > start)
                        {
                            Emit(queue, records, start, end, correction, late, output);
                            start = end;
                        }
                        late = isLate;
                        if (time > _released) _released = time;
                    }
                }
                finally
                {
                    // Also when a time is out of range: what was already placed goes out in order, as before the failure.
                    if (end > start) Emit(queue, records, start, end, correction, late, output);
                }
                if (stop == Stop.Cutoff)
                {
                    _heads.Enqueue(queue, (queue.HeadTime, queue.Order));
                    return;
                }
                if (stop == Stop.OtherNode) break;
            }
            if (queue.Count > 0) _heads.Enqueue(queue, (queue.HeadTime, queue.Order));
        }
    }

    private enum Stop { None, OtherNode, Cutoff }

    private static void Emit(NodeQueue queue, IReadOnlyList<NodeRecord> records, int start, int end, TimeSpan correction, bool late,
        List<OutputRun> output)
    {
        output.Add(new OutputRun(queue.Name, records, start, end - start, correction.Ticks, late));
        queue.Dequeue(end - start);
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
        // The batches' own lists, never copied: runs of them leave as they are (see BatchRecords).
        private readonly Queue<(IReadOnlyList<NodeRecord> Records, TimeSpan Correction)> _segments = new();
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
                return BatchRecords.TimestampAt(records, _headIndex) + correction;
            }
        }

        /// <summary>The oldest batch held, where its first record still held is, and its correction.</summary>
        public (IReadOnlyList<NodeRecord> Records, int Start, TimeSpan Correction) Head
        {
            get
            {
                var (records, correction) = _segments.Peek();
                return (records, _headIndex, correction);
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
                var first = BatchRecords.TimestampAt(records, 0);
                if (Watermark != DateTime.MinValue && first + correction < Watermark)
                    correction = Watermark - first;
                var newest = BatchRecords.TimestampAt(records, records.Count - 1) + correction;
                _segments.Enqueue((records, correction));
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

        /// <summary>Takes <paramref name="count"/> records off the head, all within the head batch.</summary>
        public void Dequeue(int count)
        {
            var (records, _) = _segments.Peek();
            _headIndex += count;
            Count -= count;
            if (_headIndex < records.Count) return;
            _segments.Dequeue();
            SegmentsReleased++;
            _headIndex = 0;
        }
    }
}
