using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// The ingest's flow control: what the aggregator holds between its ingest and its slowest sink, bounded by
/// max-pending-records and max-pending-bytes. Counts records the ingest accepted from nodes that some sink
/// has not finished with yet (in the merge's mailbox, the reorder buffer, or a sink's mailbox), and their
/// text bytes. The ingest adds each batch it accepts; every sink actor reports each chunk it is done with
/// (stdout: written, or skipped once stdout is closed). Measured to the sink that is furthest behind, so
/// whichever is slowest (stdout behind a paused terminal, usually) bounds what is held. The watchers' own
/// buffers are not counted: the live feed hands records to them without waiting, and they stay lossy with a
/// gap event, so a slow watcher never holds up ingest.
/// </summary>
/// <remarks>
/// Thread-safe: the ingest and the sink actors (stdout on a thread of its own) update it concurrently.
/// A counter under a lock rather than a message per chunk: the ingest must know the figure at the moment it
/// decides on a batch, and the lock is taken once per batch or chunk (thousands of lines), never per line.
/// Only records that came from nodes are counted: node-up and node-down are the merge's own observations (a
/// node never sends them; the serializer refuses them), so the counts in and out match exactly.
/// </remarks>
public sealed class PendingOutput(long maxRecords, long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly List<Sink> _sinks = [];
    private long _acceptedRecords, _acceptedBytes;
    private TaskCompletionSource? _roomWaiter;

    /// <summary>How much is pending: below half the bounds, from half on, or at a bound.</summary>
    public enum Fill { Low, High, Full }

    /// <summary>Starts counting for one sink. Call before the sink receives its first chunk.</summary>
    public Sink AddSink(string name)
    {
        var sink = new Sink(this, name);
        lock (_lock) _sinks.Add(sink);
        return sink;
    }

    /// <summary>The ingest accepted these records: they are held until every sink has finished with them.</summary>
    public void Accept(IReadOnlyList<NodeRecord> records)
    {
        var bytes = RecordBlock.Of(records).TextBytes;
        lock (_lock)
        {
            _acceptedRecords += records.Count;
            _acceptedBytes += bytes;
        }
    }

    public Fill Level
    {
        get
        {
            lock (_lock)
            {
                var (records, bytes, _) = HeldLocked();
                if (records >= maxRecords || bytes >= maxBytes) return Fill.Full;
                return records * 2 >= maxRecords || bytes * 2 >= maxBytes ? Fill.High : Fill.Low;
            }
        }
    }

    /// <summary>Records and text bytes held, and the name of the sink furthest behind (null without sinks).</summary>
    public (long Records, long Bytes, string? Slowest) Held
    {
        get { lock (_lock) return HeldLocked(); }
    }

    /// <summary>Each sink's name and how many records it has finished with since the start.</summary>
    public IReadOnlyList<(string Sink, long Records)> Finished()
    {
        lock (_lock) return _sinks.Select(s => (s.Name, s.Records)).ToArray();
    }

    /// <summary>Completes once what is pending is below half the bounds again (at once when it already is).</summary>
    public Task WhenLow()
    {
        lock (_lock)
        {
            if (IsLowLocked()) return Task.CompletedTask;
            // Continuations run elsewhere: never on a sink's thread, under this lock.
            _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiter.Task;
        }
    }

    // The chunk counted its records from nodes once, as it was made: every sink reports the same chunk.
    private void Finished(Sink sink, OutputChunk chunk)
    {
        lock (_lock)
        {
            sink.Records += chunk.NodeRecords;
            sink.Bytes += chunk.NodeBytes;
            if (_roomWaiter is null || !IsLowLocked()) return;
            _roomWaiter.SetResult();
            _roomWaiter = null;
        }
    }

    private bool IsLowLocked()
    {
        var (records, bytes, _) = HeldLocked();
        return records * 2 < maxRecords && bytes * 2 < maxBytes;
    }

    private (long Records, long Bytes, string? Slowest) HeldLocked()
    {
        Sink? slowest = null;
        foreach (var sink in _sinks)
            if (slowest is null || sink.Records < slowest.Records || (sink.Records == slowest.Records && sink.Bytes < slowest.Bytes))
                slowest = sink;
        return slowest is null ? (0, 0, null) : (_acceptedRecords - slowest.Records, _acceptedBytes - slowest.Bytes, slowest.Name);
    }

    /// <summary>One sink's share of the count: what it has finished with so far.</summary>
    public sealed class Sink
    {
        private readonly PendingOutput _pending;

        internal Sink(PendingOutput pending, string name)
        {
            _pending = pending;
            Name = name;
        }

        public string Name { get; }
        internal long Records { get; set; }
        internal long Bytes { get; set; }

        /// <summary>This sink is done with a chunk: written, or deliberately skipped (stdout closed).</summary>
        public void Finished(OutputChunk chunk) => _pending.Finished(this, chunk);
    }
}
