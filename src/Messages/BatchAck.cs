namespace Chorus.Messages;

/// <summary>The aggregator holds every batch of this node incarnation up to and including <paramref name="UpToSeq"/>.</summary>
public sealed record BatchAck(long Incarnation, long UpToSeq) : IChorusMessage;
