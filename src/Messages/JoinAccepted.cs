namespace Chorus.Messages;

/// <summary>
/// The aggregator's answer to <see cref="JoinRequest"/>. <paramref name="NextSeq"/> is the first batch
/// sequence number the aggregator does not have yet from this node incarnation (1 when it has none), so the
/// node resends from there. <paramref name="AggregatorIncarnation"/> changes when the aggregator restarts.
/// <paramref name="SessionKey"/> is random per node incarnation; the node puts it on every batch, heartbeat
/// and goodbye, and the aggregator drops whatever lacks it, so a peer that never joined cannot inject lines.
/// <paramref name="Nonce"/> echoes the one of the join it answers; the node takes no acceptance without its own.
/// <paramref name="SentAt"/> is the aggregator's clock when it answered: the answer is also the session's first
/// <see cref="ClockProbe"/>, which the node answers with a <see cref="ClockReply"/> before anything else, so its first
/// lines are placed on a measured clock rather than on the join's one-way guess. Default (never on the wire from
/// an aggregator): no probe, nothing to answer. <paramref name="Grant"/> is the node's first send window, as on
/// <see cref="BatchAck"/>.
/// </summary>
public sealed record JoinAccepted(long AggregatorIncarnation, long NextSeq, string SessionKey, string Nonce, DateTime SentAt = default, int? Grant = null)
    : IChorusMessage;
