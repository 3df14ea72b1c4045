namespace Chorus.Aggregator.Ingest;

/// <summary>
/// The batches of one node run, taken strictly in sequence: only the next number is taken; a lower one is a
/// repeat (acknowledged again, dropped), a higher one arrived after a loss (dropped until the node resends
/// from the one that is missing).
/// </summary>
public sealed class BatchSequence(long next)
{
    /// <summary>The number of the next batch to take.</summary>
    public long Next { get; private set; } = next;

    /// <summary>The last batch taken: every batch up to it is held.</summary>
    public long LastTaken => Next - 1;

    public bool IsNext(long seq) => seq == Next;

    /// <summary>The next batch was taken (after <see cref="IsNext"/>).</summary>
    public void Advance() => Next++;

    /// <summary>Whether every batch up to <paramref name="seq"/> is held.</summary>
    public bool Holds(long seq) => seq < Next;

    /// <summary>
    /// The run joined again and holds batches from <paramref name="firstSeq"/> on. Never backwards (what was
    /// taken stays taken); forwards when the node holds nothing older, since waiting for it would wait forever.
    /// </summary>
    public void ResumeAt(long firstSeq) => Next = Math.Max(Next, firstSeq);
}
