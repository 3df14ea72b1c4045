namespace Chorus.Messages;

/// <summary>
/// The aggregator's answer to a batch or heartbeat of node run <paramref name="Incarnation"/> whose times,
/// corrected onto the aggregator's clock, lie farther from it than it accepts (max-clock-distance): the
/// batch is not taken (the node keeps it and resends it), and <paramref name="Reason"/> says why, for the
/// person reading the node's output. <paramref name="SessionKey"/> is the node's, as on <see cref="BatchAck"/>:
/// the node heeds no refusal without it.
/// </summary>
public sealed record TimesRefused(long Incarnation, string Reason, string SessionKey) : IChorusMessage;
