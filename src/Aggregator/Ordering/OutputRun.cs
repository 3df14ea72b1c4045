using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Consecutive entries of the merged stream that share everything but their record: records
/// <paramref name="Start"/> to <paramref name="Start"/> + <paramref name="Count"/> of one received batch's
/// <paramref name="Records"/>, read in place (<see cref="BatchRecords"/>), from <paramref name="Node"/>, under one clock
/// correction and one late mark. What the merge hands the sinks instead of an <see cref="OutputItem"/> per line: a node
/// sends hundreds of lines in a row, and each sink counts, formats or keeps a run with one look at what they share.
/// <see cref="Item"/> is the same entry as an <see cref="OutputItem"/>, for a reader that wants one at a time (a filter,
/// the live feed's ring). A folded line (<paramref name="FoldedNodes"/>, <paramref name="FoldedAway"/>, see
/// <see cref="OutputItem"/>) is a run of its own.
/// </summary>
public readonly record struct OutputRun(string Node, IReadOnlyList<NodeRecord> Records, int Start, int Count,
    long CorrectionTicks = 0, bool Late = false, IReadOnlyList<string>? FoldedNodes = null, bool FoldedAway = false)
{
    /// <summary>One entry as a run of its own (an event of the aggregator's, a folded line).</summary>
    public static OutputRun Of(in OutputItem item) =>
        new(item.Node, [item.Record], 0, 1, item.CorrectionTicks, item.Late, item.FoldedNodes, item.FoldedAway);

    /// <summary>Entry <paramref name="index"/> of the run (from 0) as an item.</summary>
    public OutputItem Item(int index) =>
        new(Node, Records[Start + index], Late, CorrectionTicks, FoldedNodes, FoldedAway);

    /// <summary>The run's records, by reference: <c>foreach (ref readonly var record in run)</c>.</summary>
    public BatchRecords.Enumerator GetEnumerator() => BatchRecords.Range(Records, Start, Count);

    /// <summary>The same run without its first <paramref name="count"/> records.</summary>
    public OutputRun Skip(int count) => this with { Start = Start + count, Count = Count - count };
}
