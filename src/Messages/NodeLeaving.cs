namespace Chorus.Messages;

/// <summary>A node is shutting down cleanly after its last batch was acknowledged; the aggregator reports node-down at once.</summary>
public sealed record NodeLeaving(string Node, long Incarnation) : IChorusMessage;
