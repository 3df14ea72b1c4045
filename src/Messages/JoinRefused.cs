namespace Chorus.Messages;

/// <summary>
/// The aggregator's answer to a <see cref="JoinRequest"/> with a missing or wrong token. The node stops:
/// retrying with the same token cannot succeed. <paramref name="Reason"/> is for the person reading.
/// <paramref name="Nonce"/> echoes the refused join's: the node stops only for a refusal of its own join.
/// </summary>
public sealed record JoinRefused(string Reason, string Nonce) : IChorusMessage;
