namespace Chorus.Messages;

/// <summary>
/// The aggregator holds every batch of this node incarnation up to and including <paramref name="UpToSeq"/>.
/// <paramref name="SessionKey"/> is the node's, from <see cref="JoinAccepted"/>: the node drops acknowledgements
/// without it, so a peer that never saw the join cannot make it forget batches.
/// </summary>
public sealed record BatchAck(long Incarnation, long UpToSeq, string SessionKey) : IChorusMessage;
