namespace Chorus.Messages;

/// <summary>
/// A node's answer to <see cref="ClockProbe"/>: the probe's own time echoed, and the node's clock when the
/// probe arrived and when it answered. Carries the session key like everything else a node sends, so a
/// peer that never joined cannot skew a node's place in the order.
/// </summary>
public sealed record ClockReply(string Node, long Incarnation, string SessionKey, DateTime EchoSentAt, DateTime ReceivedAt, DateTime RepliedAt)
    : IChorusMessage;
