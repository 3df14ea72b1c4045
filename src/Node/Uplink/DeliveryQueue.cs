using System.Runtime.CompilerServices;
using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Batches that the aggregator has not acknowledged yet, in sequence order: the first few are in flight,
/// the rest wait for room in the window. The window bounds what Akka.Remote buffers, since remoting itself
/// has no backpressure. Acknowledgements are cumulative (go-back-N): after a loss everything in flight is
/// sent again and the aggregator drops what it already has. The window is the node's own max-unacked-batches, or
/// less when the aggregator grants less (<see cref="Grant"/>): the sum of every node's window is then the
/// aggregator's to bound, however many nodes there are.
/// </summary>
public sealed class DeliveryQueue(int maxInFlight)
{
    private readonly int _ownMaxInFlight = maxInFlight;
    private Queue<LineBatch> _inFlight = new();
    private Queue<LineBatch> _waiting = new();

    public bool IsEmpty => _inFlight.Count == 0 && _waiting.Count == 0;
    public int InFlight => _inFlight.Count;
    /// <summary>How many more batches the window lets go now (negative after a grant shrank it below what is in flight).</summary>
    public int Room => MaxInFlight - _inFlight.Count;
    /// <summary>The window: the node's own bound, or the aggregator's last grant when that is smaller.</summary>
    public int MaxInFlight { get; private set; } = maxInFlight;

    /// <summary>The aggregator holds the node back: nothing new may go out, and nothing in flight is lost for its silence.</summary>
    public bool Held => MaxInFlight == 0;

    /// <summary>
    /// The aggregator's grant from now on: at most <paramref name="batches"/> unacknowledged, never more than the
    /// node's own bound; null (no grant) leaves the node's own bound. What is already in flight stays in flight.
    /// </summary>
    public void Grant(int? batches) => MaxInFlight = batches is { } granted ? Math.Min(granted, _ownMaxInFlight) : _ownMaxInFlight;
    public int Waiting => _waiting.Count;
    public int Count => _inFlight.Count + _waiting.Count;

    /// <summary>
    /// Bytes held, in flight or waiting: what the node's memory bound counts. Each record costs its text and
    /// itself: counting the text alone, empty lines would never fill the bound and memory would grow for as
    /// long as the aggregator stays away.
    /// </summary>
    public long Bytes { get; private set; }

    /// <summary>Sequence number of the oldest batch not yet acknowledged, or null when all are.</summary>
    public long? FirstUnacknowledged =>
        _inFlight.TryPeek(out var sent) ? sent.Seq : _waiting.TryPeek(out var next) ? next.Seq : null;

    /// <summary>Every batch not yet acknowledged, in sequence order.</summary>
    public IReadOnlyList<LineBatch> Unacknowledged => [.. _inFlight, .. _waiting];

    public long RecordCount => _inFlight.Sum(b => (long)b.Records.Count) + _waiting.Sum(b => (long)b.Records.Count);

    public void Enqueue(LineBatch batch)
    {
        _waiting.Enqueue(batch);
        Bytes += HeldBytes(batch);
    }

    /// <summary>Moves as many waiting batches into flight as the window allows and returns them, to be sent.</summary>
    public List<LineBatch> TakeSendable()
    {
        var sendable = new List<LineBatch>();
        while (_inFlight.Count < MaxInFlight && _waiting.TryDequeue(out var batch))
        {
            _inFlight.Enqueue(batch);
            sendable.Add(batch);
        }
        return sendable;
    }

    /// <summary>Drops every batch up to and including <paramref name="upToSeq"/>; returns how many were dropped.</summary>
    public int Acknowledge(long upToSeq)
    {
        var dropped = 0;
        while (_inFlight.TryPeek(out var batch) && batch.Seq <= upToSeq)
        {
            Bytes -= HeldBytes(_inFlight.Dequeue());
            dropped++;
        }
        // After a re-join the aggregator may acknowledge batches we had not (re)sent yet.
        while (_inFlight.Count == 0 && _waiting.TryPeek(out var waiting) && waiting.Seq <= upToSeq)
        {
            Bytes -= HeldBytes(_waiting.Dequeue());
            dropped++;
        }
        return dropped;
    }

    /// <summary>Puts every in-flight batch back at the front of the waiting line, to be sent again in order.</summary>
    public void ReturnInFlight()
    {
        if (_inFlight.Count == 0) return;
        foreach (var batch in _waiting) _inFlight.Enqueue(batch);
        _waiting = _inFlight;
        _inFlight = new Queue<LineBatch>();
    }

    // The rule max-buffered-bytes documents: text plus a NodeRecord's size (80 bytes) a record, so empty lines count
    // too. A line takes about 30 bytes of columns in a RecordBlock now; the bound still counts the 80 it promises.
    private static long HeldBytes(LineBatch batch) =>
        (long)batch.Records.Count * Unsafe.SizeOf<NodeRecord>() + RecordBlock.Of(batch.Records).TextBytes;
}
