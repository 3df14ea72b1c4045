using System.Collections.Concurrent;
using Chorus.Aggregator.Control;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// A watcher's select=: which sources of the merged stream a <see cref="Selector"/> picks, judged by what the
/// <see cref="FleetDirectory"/> knows of each process (groups, labels, state), so processes that come to match
/// later (started, scaled up, on a node that joins, a state change) are included from then on.
/// <list type="bullet">
/// <item>An item with a process: <see cref="Selector.Matches"/>. A process the directory does not know (a
/// node before its first table comes, a spec name in a scaled event) is taken as
/// running and ready, with its spec's groups and labels when one of its replicas is known, else none: name and
/// node terms still work.</item>
/// <item>An item without a process (node-up/down, a node's gap): passes when some process of that node could be
/// selected (<see cref="Selector.MayMatchNode"/>), so node: terms keep other nodes' events out while every other
/// term lets them through, as proc= does. An item of no node and no process (a slow client's gap) always passes.</item>
/// <item>An item of a process but no node (a task event about the whole task): its process is judged with every
/// <c>node:</c> term taken to hold (<see cref="Selector.MatchesIgnoringNodes"/>), the mirror of the rule above.</item>
/// </list>
/// Runs per item and watcher, on the publishing thread and on a subscriber's for its backlog: verdicts are kept
/// per (node, process) until the directory's version changes, so the steady state is one lookup and no allocation.
/// </summary>
public sealed class SelectorFilter(Selector selector, FleetDirectory directory)
{
    // Replaced whole when the directory changes: a reader holding the old one only answers by the old table.
    private Verdicts _verdicts = new(-1);

    public bool Matches(string node, string? process)
    {
        if (node.Length == 0 && process is null) return true;
        var verdicts = _verdicts;
        var version = directory.Version;
        if (verdicts.Version != version) _verdicts = verdicts = new Verdicts(version);
        if (verdicts.Known.TryGetValue((node, process), out var known)) return known;
        var verdict = process is null ? selector.MayMatchNode(node)
            : node.Length == 0 ? selector.MatchesIgnoringNodes(Info(node, process))
            : selector.Matches(node, Info(node, process));
        verdicts.Known.TryAdd((node, process), verdict);
        return verdict;
    }

    private ProcessInfo Info(string node, string process)
    {
        if (directory.Find(node, process) is { } info) return info;
        // A scaled event names the spec ("worker"), its instances are "worker.1", ...: they share groups and labels.
        foreach (var replica in directory.Of(node))
            if (replica.Base == process) return replica with { Name = process, Base = process };
        return Unknown(process);
    }

    private static ProcessInfo Unknown(string process) =>
        new(process, process, ProcessState.Running, Ready: true, Pid: 0, Restarts: 0, StartedAt: default, ExitCode: null, Signal: null,
            Stdin: false, Groups: [], Labels: new Dictionary<string, string>(), WaitingFor: []);

    private sealed class Verdicts(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<(string Node, string? Process), bool> Known { get; } = new();
    }
}
