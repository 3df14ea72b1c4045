namespace Chorus.Messages;

/// <summary>
/// A node asks the aggregator to take its output. Sent again after every loss of contact; joining twice is
/// harmless. <paramref name="Incarnation"/> is random per node start, so a restarted node's sequence numbers
/// are never mistaken for duplicates of its previous run. <paramref name="FirstSeq"/> is the oldest batch
/// the node still holds: an aggregator that does not know this incarnation starts accepting there.
/// <paramref name="Token"/> is the shared token (empty when none is configured); a wrong one is answered
/// with <see cref="JoinRefused"/>.
/// <paramref name="SentAt"/> is the node's clock when it asked: the aggregator's first guess at how far the
/// node's clock is off, until <see cref="ClockProbe"/> exchanges measure it.
/// <paramref name="Nonce"/> is random per join attempt; the answer (<see cref="JoinAccepted"/> or
/// <see cref="JoinRefused"/>) must echo it, so a peer that can reach the node but never saw the join cannot
/// answer in the aggregator's place.
/// </summary>
public sealed record JoinRequest(string Node, long Incarnation, long FirstSeq, string Token, DateTime SentAt, string Nonce)
    : IChorusMessage;
