namespace Chorus.Messages;

/// <summary>A node is shutting down cleanly after its last batch was acknowledged; the aggregator reports node-down at once.</summary>
/// <remarks><paramref name="SessionKey"/>: the key from <see cref="JoinAccepted"/>.</remarks>
public sealed record NodeLeaving(string Node, long Incarnation, string SessionKey) : IChorusMessage;
