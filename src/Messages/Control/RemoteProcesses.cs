namespace Chorus.Messages.Control;

/// <summary>
/// Aggregator to node: how the processes of other nodes that this node's processes wait for stand now (every
/// "NAME@NODE" named in its table's <see cref="ProcessInfo.WaitingFor"/> that exists somewhere). Sent when one of
/// them changes. A dependency missing from it exists on no node that is up. Carries the node's session key.
/// </summary>
public sealed record RemoteProcesses(string SessionKey, IReadOnlyList<NodeProcess> Processes) : IChorusMessage;

/// <summary>A process and the node it runs on.</summary>
public sealed record NodeProcess(string Node, ProcessInfo Process);
