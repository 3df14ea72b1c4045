namespace Chorus.Messages;

/// <summary>
/// The aggregator's answer to <see cref="JoinRequest"/>. <paramref name="NextSeq"/> is the first batch
/// sequence number the aggregator does not have yet from this node incarnation (1 when it has none), so the
/// node resends from there. <paramref name="AggregatorIncarnation"/> changes when the aggregator restarts.
/// <paramref name="SessionKey"/> is random per node incarnation; the node puts it on every batch, heartbeat
/// and goodbye, and the aggregator drops whatever lacks it, so a peer that never joined cannot inject lines.
/// </summary>
public sealed record JoinAccepted(long AggregatorIncarnation, long NextSeq, string SessionKey = "") : IChorusMessage;
