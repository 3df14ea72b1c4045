namespace Chorus.Aggregator.Archive;

/// <summary>The newest node run the archive holds batches of, and the last batch of it that is complete there.</summary>
public sealed record ArchivedNode(long Incarnation, long LastBatch);
