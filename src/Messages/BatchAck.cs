namespace Chorus.Messages;

/// <summary>
/// The aggregator holds every batch of this node incarnation up to and including <paramref name="UpToSeq"/>.
/// <paramref name="SessionKey"/> is the node's, from <see cref="JoinAccepted"/>: the node drops acknowledgements
/// without it, so a peer that never saw the join cannot make it forget batches.
/// <paramref name="Grant"/> is the send window the aggregator grants the node from now on: how many batches it may
/// have unacknowledged (never more than its own max-unacked-batches). 0: the aggregator is alive but holding the
/// node back; the node sends nothing new and resends nothing until a grant says otherwise (README, Reliability:
/// flow control). Null: no grant (a test's stand-in aggregator), the node's own window applies.
/// </summary>
public sealed record BatchAck(long Incarnation, long UpToSeq, string SessionKey, int? Grant = null) : IChorusMessage;
