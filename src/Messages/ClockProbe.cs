namespace Chorus.Messages;

/// <summary>
/// The aggregator asks a node for its clock, NTP-style: <paramref name="SentAt"/> is the aggregator's clock
/// when it asked. Answered with <see cref="ClockReply"/>. <paramref name="SessionKey"/> is the node's: the node
/// answers only probes that carry it, so no other peer learns the key or skews the node's clock estimate.
/// </summary>
public sealed record ClockProbe(DateTime SentAt, string SessionKey) : IChorusMessage;
