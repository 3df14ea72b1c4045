namespace Chorus.Messages;

/// <summary>
/// Sent unasked by an aggregator that turned batches of node run <paramref name="Incarnation"/> away while its
/// output was full, once it has room again: it holds every batch before
/// <paramref name="NextSeq"/>, so the node sends again from there at once instead of waiting out its resend timer,
/// within its new send window, <paramref name="Grant"/> (as on <see cref="BatchAck"/>).
/// <paramref name="SessionKey"/> is the node's, as on <see cref="BatchAck"/>: the node heeds none without it.
/// </summary>
public sealed record ResendFrom(long Incarnation, long NextSeq, string SessionKey, int? Grant = null) : IChorusMessage;
