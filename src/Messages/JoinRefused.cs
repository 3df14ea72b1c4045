namespace Chorus.Messages;

/// <summary>
/// The aggregator's answer to a <see cref="JoinRequest"/> it will not take: a missing or wrong token, a name
/// outside the rule, no room, or a wire version it cannot read. The node stops: retrying cannot succeed.
/// <paramref name="Reason"/> is for the person reading.
/// <paramref name="Nonce"/> echoes the refused join's: the node stops only for a refusal of its own join.
/// Its layout never changes, whatever the wire version: it is how nodes of other versions learn why they are refused.
/// </summary>
public sealed record JoinRefused(string Reason, string Nonce) : IChorusMessage;
