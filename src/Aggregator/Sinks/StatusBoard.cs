using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// What the merged stream says about each node and its processes: up or down, its Chorus version (from its
/// node-up), when last heard of, running or exited (and how), how many lines. Built only from the stream, so it tells what watchers saw, from the
/// aggregator's start. Thread-safe: fed by its <see cref="SinkActor"/>, read by /api/nodes.
/// </summary>
public sealed class StatusBoard : IOutputWriter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeEntry> _nodes = new();
    // Items come in runs from one node, with the same name instance: skip the lookup for those.
    private string? _lastNodeName;
    private NodeEntry? _lastNode;

    public void Write(IReadOnlyList<OutputItem> items)
    {
        lock (_lock)
            foreach (var item in items)
                Apply(item);
    }

    /// <summary>Nodes and their processes, each sorted by name.</summary>
    public IReadOnlyList<NodeStatus> Snapshot()
    {
        lock (_lock)
            return _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => n.Value.ToStatus(n.Key))
                .ToArray();
    }

    private void Apply(in OutputItem item)
    {
        var node = Node(item.Node);
        var record = item.Record;
        // node-down is stamped with the node's last reported progress, so it is a "last seen" too.
        if (record.Timestamp > node.LastSeen) node.LastSeen = record.Timestamp;
        if (record.Kind == RecordKind.NodeUp) (node.Up, node.Version) = (true, record.ChorusVersion);
        else if (record.Kind == RecordKind.NodeDown) node.Up = false;
        else if (record.Process is { } name)
        {
            var process = node.Process(name);
            if (record.Kind == RecordKind.Started) process.Start(record.Pid);
            else if (record.Kind == RecordKind.Exited) process.Exit(record.ExitCode, record.Signal);
            // A line cut into pieces for length is one line.
            else if (record.Kind == RecordKind.Line && !record.Continued) process.Lines++;
        }
    }

    private NodeEntry Node(string name)
    {
        if (ReferenceEquals(name, _lastNodeName)) return _lastNode!;
        if (!_nodes.TryGetValue(name, out var node)) _nodes[name] = node = new NodeEntry();
        (_lastNodeName, _lastNode) = (name, node);
        return node;
    }

    private sealed class NodeEntry
    {
        private readonly Dictionary<string, ProcessEntry> _processes = new();
        // As for nodes: lines come in runs from one process.
        private string? _lastProcessName;
        private ProcessEntry? _lastProcess;

        public bool Up { get; set; } = true;
        public string? Version { get; set; }
        public DateTime LastSeen { get; set; }

        public ProcessEntry Process(string name)
        {
            if (ReferenceEquals(name, _lastProcessName)) return _lastProcess!;
            if (!_processes.TryGetValue(name, out var process)) _processes[name] = process = new ProcessEntry();
            (_lastProcessName, _lastProcess) = (name, process);
            return process;
        }

        public NodeStatus ToStatus(string name) => new(
            name,
            Up ? "up" : "down",
            Version,
            LastSeen,
            _processes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ToStatus(p.Key)).ToArray());
    }

    // A process whose lines arrive without its start (the node was already running it when the aggregator
    // started) counts as running, with no pid known.
    private sealed class ProcessEntry
    {
        private bool _exited;
        private int? _pid;
        private int? _code;
        private int? _signal;

        public long Lines { get; set; }

        public void Start(int pid) => (_exited, _pid, _code, _signal) = (false, pid, null, null);

        public void Exit(int? code, int? signal) => (_exited, _code, _signal) = (true, code, signal);

        public ProcessStatus ToStatus(string name) => new(name, _exited ? "exited" : "running", _pid, _code, _signal, Lines);
    }
}

/// <summary>One node as /api/nodes shows it. <paramref name="State"/> is "up" or "down"; <paramref name="Version"/> null until its node-up.</summary>
public sealed record NodeStatus(string Node, string State, string? Version, DateTime LastSeen, IReadOnlyList<ProcessStatus> Processes);

/// <summary>One process as /api/nodes shows it. <paramref name="State"/> is "running" or "exited".</summary>
public sealed record ProcessStatus(string Proc, string State, int? Pid, int? Code, int? Signal, long Lines);
