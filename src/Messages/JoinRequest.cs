namespace Chorus.Messages;

/// <summary>
/// A node asks the aggregator to take its output. Sent again after every loss of contact; joining twice is
/// harmless. <paramref name="Incarnation"/> is random per node start, so a restarted node's sequence numbers
/// are never mistaken for duplicates of its previous run. <paramref name="FirstSeq"/> is the oldest batch
/// the node still holds: an aggregator that does not know this incarnation starts accepting there.
/// <paramref name="Token"/> is the shared token (empty when none is configured); a wrong one is answered
/// with <see cref="JoinRefused"/>.
/// </summary>
public sealed record JoinRequest(string Node, long Incarnation, long FirstSeq, string Token = "") : IChorusMessage;
