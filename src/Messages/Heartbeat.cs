namespace Chorus.Messages;

/// <summary>
/// Sent by an idle node so the aggregator knows it is alive and that, once it holds every batch up to
/// <paramref name="LastBatchSeq"/>, nothing older than <paramref name="Watermark"/> is still to come.
/// Answered with <see cref="BatchAck"/>.
/// </summary>
/// <remarks><paramref name="SessionKey"/>: the key from <see cref="JoinAccepted"/>.</remarks>
public sealed record Heartbeat(string Node, long Incarnation, long LastBatchSeq, DateTime Watermark, string SessionKey) : IChorusMessage;
