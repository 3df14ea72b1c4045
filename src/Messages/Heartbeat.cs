namespace Chorus.Messages;

/// <summary>
/// Sent by an idle node so the aggregator knows it is alive and that, once it holds every batch up to
/// <paramref name="LastBatchSeq"/>, nothing older than <paramref name="Watermark"/> is still to come.
/// Answered with <see cref="BatchAck"/>.
/// </summary>
public sealed record Heartbeat(string Node, long Incarnation, long LastBatchSeq, DateTime Watermark) : IChorusMessage;
