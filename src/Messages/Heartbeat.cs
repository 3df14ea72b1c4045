namespace Chorus.Messages;

/// <summary>
/// Sent by an idle node so the aggregator knows it is alive and has nothing older than
/// <paramref name="Watermark"/> still to send. Answered with <see cref="BatchAck"/>.
/// </summary>
public sealed record Heartbeat(string Node, long Incarnation, DateTime Watermark) : IChorusMessage;
