using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Everything the node has to send, in order, until the aggregator acknowledges it: the batch being filled
/// (<see cref="BatchBuilder"/>), numbered batches in memory (<see cref="DeliveryQueue"/>, the send window) and
/// what does not fit in max-buffered-bytes (<see cref="Overflow"/>: the spool, or a count of what was
/// dropped). Batches are numbered per incarnation as they move into memory. The uplink's data path without
/// an actor: <see cref="UplinkActor"/> keeps the timers and the aggregator, and sends what this hands out.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly string _node;
    private readonly long _maxBufferedBytes;
    private readonly BatchBuilder _builder;
    private readonly DeliveryQueue _queue;
    private readonly Overflow _overflow;
    private long _nextBatchSeq = 1;
    private long _highestSent;
    // Numbering waits for the aggregator's answer while a killed run's spooled batches may be with it.
    private bool _resuming;

    public Outbox(string node, long incarnation, NodeSettings settings, Overflow overflow)
    {
        _node = node;
        _maxBufferedBytes = settings.MaxBufferedBytes;
        _builder = new BatchBuilder(settings.BatchMaxRecords, settings.BatchMaxBytes);
        _queue = new DeliveryQueue(settings.MaxUnackedBatches);
        _overflow = overflow;
        // A spool left by a run that sent spooled batches without hearing back resumes that run (see Spool.ResumeIncarnation).
        Incarnation = overflow.ResumeIncarnation ?? incarnation;
        _resuming = overflow.ResumeIncarnation is not null;
    }

    /// <summary>The run the batches are numbered under.</summary>
    public long Incarnation { get; private set; }

    /// <summary>Where the aggregator should start if it does not know this run: the oldest batch not acknowledged.</summary>
    public long FirstUnacknowledgedSeq => _resuming ? _overflow.ResumeFirstSeq : _queue.FirstUnacknowledged ?? _nextBatchSeq;

    /// <summary>The last number given: a heartbeat's promise that nothing up to it is still to come.</summary>
    public long LastNumbered => _nextBatchSeq - 1;

    /// <summary>Nothing is left to send or to be acknowledged.</summary>
    public bool IsEmpty => _builder.IsEmpty && _queue.IsEmpty && _overflow.IsEmpty;

    /// <summary>Nothing waits to be sent (in flight is fine): a heartbeat now promises nothing false.</summary>
    public bool Idle => _builder.IsEmpty && _queue.Waiting == 0 && _overflow.IsEmpty;

    public bool BatchEmpty => _builder.IsEmpty;
    public int InFlight => _queue.InFlight;
    public int BatchesInMemory => _queue.Count;
    public long RecordsInMemory => _queue.RecordCount + _builder.Count;
    public long SpooledBytes => _overflow.SpooledBytes;

    /// <summary>The aggregator holds the node back (a send window of nothing): nothing goes out, nothing in flight is lost.</summary>
    public bool Held => _queue.Held;

    /// <summary>The send window the aggregator grants from now on (null: none, the node's own max-unacked-batches).</summary>
    public void Grant(int? batches) => _queue.Grant(batches);

    /// <summary>A run started anew (the uplink restarted): what the old one numbered is gone, so numbering needs a new incarnation.</summary>
    public void BeginNewRun(long incarnation)
    {
        // A resumed run keeps the spool's incarnation: the aggregator's answer says which of its batches it holds.
        if (!_resuming) Incarnation = incarnation;
    }

    /// <summary>
    /// Batches in flight below which a batch being filled goes out at once rather than waiting to fill. Batching by
    /// load, not by a timer: a lone line finds the link quiet and leaves with no wait; under a burst the batches in
    /// flight reach this, records collect while they are acknowledged, and each acknowledgement takes what collected
    /// (more lines a batch, the busier the link). Two rather than one, so a line does not wait a whole round trip
    /// behind the previous line's batch at a trickle from several processes.
    /// </summary>
    private const int EagerBelowInFlight = 2;

    /// <summary>
    /// The batch being filled should be cut and sent now (joined, the link is quiet enough, nothing waits before it):
    /// see <see cref="EagerBelowInFlight"/>.
    /// </summary>
    public bool SendsAtOnce(bool joined) =>
        joined && !_builder.IsEmpty && !_resuming && _queue.InFlight < EagerBelowInFlight && _queue.Waiting == 0 && _overflow.IsEmpty;

    /// <summary>Whether a record with <paramref name="textLength"/> bytes of text fits in the batch being filled.</summary>
    public bool Fits(int textLength) => _builder.Fits(textLength);

    /// <summary>A line, its text copied into the batch being filled (the caller's buffer is free again on return).</summary>
    public void AddLine(string process, OutputStream stream, long seq, DateTime timestamp, ReadOnlySpan<byte> text, bool continued, bool afterExit) =>
        _builder.AddLine(process, stream, seq, timestamp, text, continued, afterExit);

    public void Add(in NodeRecord record) => _builder.Add(record);

    /// <summary>Closes the batch being filled (false when it is empty) and puts it in memory or, past the bound, in the overflow.</summary>
    public bool Cut(DateTime now)
    {
        if (_builder.IsEmpty) return false;
        var batch = LineBatch.Unsent(_node, Incarnation, now, _builder.Take());
        // Once anything overflowed, later batches follow it there until every spooled batch is acknowledged, so
        // the order holds, and what a drain timeout writes back from memory goes in front of the spool.
        if (!_resuming && _overflow.IsEmpty && !_overflow.HasUnacknowledged && _queue.Bytes < _maxBufferedBytes) Number(batch);
        else _overflow.Add(batch);
        return true;
    }

    /// <summary>
    /// Moves overflowed batches into memory as far as the bound allows, and, when <paramref name="joined"/>, hands
    /// out what the window lets go now. Written down before they leave: a node killed after this asks the
    /// aggregator about them instead of sending them twice.
    /// </summary>
    public List<LineBatch> TakeSendable(bool joined)
    {
        while (!_resuming && _queue.Bytes < _maxBufferedBytes && _overflow.TryTake(_nextBatchSeq, out var spooled)) Number(spooled);
        if (joined && RefillsInGroups) return [];
        var sendable = joined ? _queue.TakeSendable() : [];
        if (sendable.Count > 0) _highestSent = Math.Max(_highestSent, sendable[^1].Seq);
        _overflow.Persist(Incarnation, _highestSent);
        return sendable;
    }

    /// <summary>
    /// While the spool is in use, the spool's state is written (a file and a rename) before every send, and in a
    /// flood every acknowledgement freed one place in the window, so that write came once a batch: a seventh of the
    /// node's CPU in the profile. Then the window is refilled a quarter at a time, one write for several batches;
    /// an empty window is refilled at once, so nothing waits on an acknowledgement that cannot come.
    /// </summary>
    private bool RefillsInGroups =>
        (_overflow.HasUnacknowledged || !_overflow.IsEmpty) && _queue.InFlight > 0 && _queue.Room < Math.Max(1, _queue.MaxInFlight / 4);

    /// <summary>Cumulative: everything up to <paramref name="upToSeq"/> arrived. True when that acknowledged something new in memory.</summary>
    public bool Acknowledge(long upToSeq)
    {
        var progressed = _queue.Acknowledge(upToSeq) > 0;
        _overflow.Acknowledge(upToSeq);
        return progressed;
    }

    /// <summary>
    /// The aggregator holds everything before <paramref name="nextSeq"/>: that is acknowledged (a resumed run
    /// numbers on from there), and what was in flight goes back to be sent again.
    /// </summary>
    public void ResendFrom(long nextSeq)
    {
        if (_resuming)
        {
            _overflow.Resume(nextSeq);
            _nextBatchSeq = nextSeq;
            _resuming = false;
        }
        Acknowledge(nextSeq - 1);
        _queue.ReturnInFlight();
    }

    /// <summary>What was in flight is taken as lost (a lost link, no acknowledgement for too long): it is sent again, in order.</summary>
    public void ReturnInFlight() => _queue.ReturnInFlight();

    /// <summary>
    /// The drain is over: what memory holds goes back to the spool, in front of what is spooled, under the
    /// numbers it was sent with. Returns how many records were never acknowledged, how many of those the spool
    /// keeps for the next run, and whether anything at all waits in the overflow for it.
    /// </summary>
    public (long Undelivered, long Spooled, bool LeftForNextRun) Spill()
    {
        var undelivered = _queue.RecordCount;
        var lost = _overflow.Spill(_queue.Unacknowledged, Incarnation, _highestSent);
        return (undelivered, undelivered - lost, !_overflow.IsEmpty || undelivered > lost);
    }

    public void Dispose() => _overflow.Dispose();

    private void Number(LineBatch batch) => _queue.Enqueue(batch with { Incarnation = Incarnation, Seq = _nextBatchSeq++ });
}
