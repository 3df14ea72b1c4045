using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// One entry of the merged stream, as every sink receives it. <paramref name="Late"/> marks a record that
/// arrived after the reorder window had already released newer records: written anyway, never dropped.
/// </summary>
public readonly record struct OutputItem(string Node, NodeRecord Record, bool Late = false);

/// <summary>A run of the merged stream, in order, handed to every sink at once.</summary>
public sealed record OutputChunk(IReadOnlyList<OutputItem> Items);
