using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Cut batches that do not fit in the node's memory bound wait here, not yet numbered: in the spool on
/// disk, or, without a spool or past its cap, as a count of what was dropped. Numbering happens only when a
/// batch moves into the <see cref="DeliveryQueue"/>, so dropping never leaves a hole in the batch sequence,
/// and the gap record that reports a drop takes the dropped batches' place.
/// </summary>
public sealed class Overflow(Spool? spool, string node, long incarnation) : IDisposable
{
    private readonly DroppedRecords _dropped = new();

    /// <summary>The overflow the settings ask for; a spool directory that cannot be used means no spool, said loudly.</summary>
    public static Overflow Open(string node, long incarnation, NodeSettings settings, Akka.Actor.ActorSystem system)
    {
        if (settings.SpoolMaxBytes <= 0) return new Overflow(null, node, incarnation);
        var directory = SpoolLocation.For(node, settings.SpoolDirectory);
        try
        {
            return new Overflow(new Spool(directory, settings.SpoolMaxBytes, new BatchCodec(system)), node, incarnation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Chorus.Hosting.Notice.Write($"cannot use the spool directory {directory} ({e.Message}); without a spool, lines beyond " +
                                        $"{settings.MaxBufferedBytes} bytes in memory are dropped while the aggregator is away. Give a writable --spool DIR.");
            return new Overflow(null, node, incarnation);
        }
    }

    public bool IsEmpty => _dropped.IsEmpty && (spool?.IsEmpty ?? true);
    public long SpooledBytes => spool?.Bytes ?? 0;

    private string Reason => spool is null ? "buffer-full" : "spool-full";

    public void Add(LineBatch unnumbered)
    {
        if (spool is null)
        {
            Drop(unnumbered);
            return;
        }
        if (spool.Append(unnumbered) is { } dropped)
            foreach (var record in dropped.TakeRecords(Reason)) _dropped.Add(record);
    }

    /// <summary>The next batch to number and send: a pending gap first, then the oldest spooled batch.</summary>
    public bool TryTake(out LineBatch batch)
    {
        if (!_dropped.IsEmpty)
        {
            var records = _dropped.TakeRecords(Reason);
            // Its watermark is its newest record's time: the batches still spooled are newer, never older.
            batch = new LineBatch(node, incarnation, 0, records[^1].Timestamp, records);
            return true;
        }
        batch = spool?.TakeOldest()!;
        // A spool left by an earlier run holds that run's name and incarnation: these lines are ours to send now.
        if (batch is not null) batch = batch with { Node = node, Incarnation = incarnation };
        return batch is not null;
    }

    private void Drop(LineBatch batch) => _dropped.Add(batch);

    public void Dispose() => spool?.Dispose();
}
