using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// One entry of the merged stream, as every sink receives it. <paramref name="Late"/> marks a record that
/// arrived after the reorder window had already released newer records: written anyway, never dropped.
/// <paramref name="CorrectionTicks"/> puts the node's timestamp on the aggregator's clock (see
/// <see cref="CorrectedTimestamp"/>), which is what the stream is ordered by.
/// <para>Folding (a task run with --fold, README "Run a command on the fleet"): the same line from several nodes within
/// the fold window is shown once. <paramref name="FoldedNodes"/> is set on the item that shows it: every node that
/// printed it, in name order. The others carry <paramref name="FoldedAway"/>: sinks that present the stream (stdout,
/// watchers, the page) skip them; those that count or keep every line (the status board, the task log) take them as
/// any line. Both are only ever set on lines of a folded task.</para>
/// </summary>
public readonly record struct OutputItem(string Node, NodeRecord Record, bool Late = false, long CorrectionTicks = 0,
    IReadOnlyList<string>? FoldedNodes = null, bool FoldedAway = false)
{
    public DateTime CorrectedTimestamp => Record.Timestamp.AddTicks(CorrectionTicks);
}
