namespace Chorus.Messages.Control;

/// <summary>
/// Aggregator to node: do <paramref name="Verb"/> to every process of the node that <paramref name="Selector"/>
/// matches, and answer with a <see cref="ControlReply"/> echoing <paramref name="Id"/>. <paramref name="Argument"/>
/// is the verb's (a signal name, a replica count, a line of input), "" when it takes none. A node obeys only the
/// aggregator it joined: the request must come from the dialled address with the session key.
/// </summary>
public sealed record ControlRequest(long Id, ControlVerb Verb, string Selector, string Argument, string SessionKey) : IChorusMessage;
