using Chorus.Messages.Control;

namespace Chorus.Aggregator.Control;

/// <summary>
/// Which processes of other nodes each node's waiting processes name ("db@n1 ready" in <see cref="ProcessInfo.WaitingFor"/>),
/// how they stand in the <see cref="FleetDirectory"/>, and whether that changed since the node was last told.
/// </summary>
public sealed class RemoteDependencies(FleetDirectory directory)
{
    private readonly Dictionary<string, string> _lastSent = new(StringComparer.Ordinal);

    /// <summary>The node joined again: whatever it was told belongs to the old session.</summary>
    public void Forget(string node) => _lastSent.Remove(node);

    /// <summary>
    /// What <paramref name="node"/> must be told now: the processes its waiting processes name, on nodes that are up
    /// (<paramref name="isUp"/>), or null when that is what it was last told.
    /// </summary>
    public IReadOnlyList<NodeProcess>? Changed(string node, Func<string, bool> isUp)
    {
        var wanted = Named(directory.Of(node));
        if (wanted.Count == 0 && !_lastSent.ContainsKey(node)) return null;
        var current = new List<NodeProcess>();
        foreach (var (otherNode, process) in wanted)
        {
            if (!isUp(otherNode)) continue;
            foreach (var info in directory.Of(otherNode))
                if (info.Name == process || info.Base == process) current.Add(new NodeProcess(otherNode, info));
        }
        var signature = Signature(current);
        if (_lastSent.TryGetValue(node, out var last) && last == signature) return null;
        _lastSent[node] = signature;
        return current;
    }

    /// <summary>The (node, process) pairs named as "PROC@NODE ..." by the waiting processes.</summary>
    public static HashSet<(string Node, string Process)> Named(IEnumerable<ProcessInfo> processes)
    {
        var named = new HashSet<(string, string)>();
        foreach (var process in processes)
        foreach (var waiting in process.WaitingFor)
        {
            var target = waiting.Split(' ', 2)[0];
            var at = target.LastIndexOf('@');
            if (at > 0 && at < target.Length - 1) named.Add((target[(at + 1)..], target[..at]));
        }
        return named;
    }

    // What a dependency's condition can turn on (started, ready, completed, completed-successfully), in one string
    // to compare: a table resent with nothing changed must not wake the waiting node.
    private static string Signature(List<NodeProcess> processes) =>
        string.Join('\n', processes.Select(p =>
            $"{p.Node}|{p.Process.Name}|{p.Process.State}|{p.Process.Ready}|{p.Process.Pid}|{p.Process.Restarts}|{p.Process.ExitCode}|{p.Process.Signal}"));
}
