using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// One entry of the merged stream, as every sink receives it. <paramref name="Late"/> marks a record that
/// arrived after the reorder window had already released newer records: written anyway, never dropped.
/// <paramref name="CorrectionTicks"/> puts the node's timestamp on the aggregator's clock (see
/// <see cref="CorrectedTimestamp"/>), which is what the stream is ordered by.
/// </summary>
public readonly record struct OutputItem(string Node, NodeRecord Record, bool Late = false, long CorrectionTicks = 0)
{
    public DateTime CorrectedTimestamp => Record.Timestamp.AddTicks(CorrectionTicks);
}

/// <summary>A run of the merged stream, in order, handed to every sink at once.</summary>
public sealed record OutputChunk(IReadOnlyList<OutputItem> Items);
