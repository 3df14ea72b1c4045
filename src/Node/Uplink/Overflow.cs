using Chorus.Hosting;
using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Cut batches that do not fit in the node's memory bound wait here, not yet numbered: in the spool on
/// disk, or, without a spool, as a count of what was dropped. Numbering happens only when a batch moves into
/// the <see cref="DeliveryQueue"/>, so dropping never leaves a hole in the batch sequence, and the gap record
/// that reports a drop takes the dropped batches' place. A spooled batch stays on disk until the aggregator
/// has acknowledged it (see <see cref="Spool"/>).
/// </summary>
public sealed class Overflow(Spool? spool, string node) : IDisposable
{
    private readonly DroppedRecords _dropped = new();

    /// <summary>The overflow the settings ask for; a spool directory that cannot be used means no spool, said loudly.</summary>
    public static Overflow Open(string node, NodeSettings settings, Akka.Actor.ActorSystem system)
    {
        if (settings.SpoolMaxBytes <= 0) return new Overflow(null, node);
        var directory = SpoolLocation.For(node, settings.SpoolDirectory);
        try
        {
            return new Overflow(new Spool(directory, settings.SpoolMaxBytes, new BatchCodec(system)), node);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UsageException)
        {
            Notice.Warning($"cannot use the spool directory {directory} ({e.Message}); without a spool, lines beyond " +
                                          $"{settings.MaxBufferedBytes} bytes in memory are dropped while the aggregator is away. Give a writable --spool DIR.");
            return new Overflow(null, node);
        }
    }

    /// <summary>Nothing waits to be taken.</summary>
    public bool IsEmpty => _dropped.IsEmpty && !(spool?.HasUnread ?? false);

    /// <summary>A batch taken from the spool waits for its acknowledgement: until then, later batches follow it through the spool.</summary>
    public bool HasUnacknowledged => spool?.HasUnacknowledged ?? false;

    public long SpooledBytes => spool?.Bytes ?? 0;

    /// <inheritdoc cref="Spool.ResumeIncarnation"/>
    public long? ResumeIncarnation => spool?.ResumeIncarnation;

    /// <inheritdoc cref="Spool.ResumeFirstSeq"/>
    public long ResumeFirstSeq => spool?.ResumeFirstSeq ?? 1;

    private string Reason => spool is null ? "buffer-full" : "spool-full";

    public void Add(LineBatch unnumbered)
    {
        if (spool is null) _dropped.Add(unnumbered);
        else spool.Append(unnumbered);
    }

    /// <summary>The next batch to number (as <paramref name="seq"/>) and send: a pending gap first, then the oldest spooled batch.</summary>
    public bool TryTake(long seq, out LineBatch batch)
    {
        if (!_dropped.IsEmpty)
        {
            var records = _dropped.TakeRecords(Reason);
            // Its watermark is its newest record's time: the batches still to come are newer, never older.
            batch = LineBatch.Unsent(node, 0, records[^1].Timestamp, records);
            return true;
        }
        batch = spool?.TakeOldest(seq)!;
        // A spool left by an earlier run holds that run's name: these lines are ours to send now.
        if (batch is not null) batch = batch with { Node = node };
        return batch is not null;
    }

    public void Acknowledge(long upToSeq) => spool?.Acknowledge(upToSeq);

    /// <inheritdoc cref="Spool.Resume"/>
    public void Resume(long nextSeq) => spool?.Resume(nextSeq);

    /// <inheritdoc cref="Spool.Persist"/>
    public void Persist(long incarnation, long highestSent) => spool?.Persist(incarnation, highestSent);

    /// <summary>
    /// Keeps batches the aggregator never acknowledged for the next run (a drain timed out). Returns how many
    /// records are lost: all of them without a spool, those the disk could not take with one.
    /// </summary>
    public long Spill(IReadOnlyList<LineBatch> unacknowledged, long incarnation, long highestSent)
    {
        if (spool is null) return unacknowledged.Sum(b => (long)b.Records.Count);
        var lost = spool.Spill(unacknowledged);
        spool.Persist(incarnation, highestSent);
        return lost;
    }

    public void Dispose() => spool?.Dispose();
}
