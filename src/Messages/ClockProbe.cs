namespace Chorus.Messages;

/// <summary>
/// The aggregator asks a node for its clock, NTP-style: <paramref name="SentAt"/> is the aggregator's clock
/// when it asked. Answered with <see cref="ClockReply"/>.
/// </summary>
public sealed record ClockProbe(DateTime SentAt) : IChorusMessage;
