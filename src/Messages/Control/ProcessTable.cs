namespace Chorus.Messages.Control;

/// <summary>
/// Node to aggregator: every process instance of the node, whole, each time one changes (and after every join).
/// Whole rather than a change: a lost table is mended by the next, and the aggregator never has to merge.
/// Carries the session key, as a batch does; the aggregator drops one without it.
/// </summary>
public sealed record ProcessTable(string Node, long Incarnation, string SessionKey, IReadOnlyList<ProcessInfo> Processes) : IChorusMessage;
