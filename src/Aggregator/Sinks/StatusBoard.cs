using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// What the merged stream says about each node and its processes: up or down, its Chorus version (from its
/// node-up), when last heard of, each process's state (running, exited and how, restarting, given up,
/// waiting), readiness and restarts, how many lines and bytes, how many records came late, and how many lines
/// are missing by reason (what /metrics counts, read from here). /api/nodes prefers the FleetDirectory's view of a process
/// where there is one; this is what it falls back on. Built only from the stream, so it tells what watchers saw, from the
/// aggregator's start. Lines a folded task showed once count for every node that printed them (the folded-away
/// copies are lines like any other here). Thread-safe: fed by its <see cref="SinkActor"/>, read by /api/nodes.
/// </summary>
public sealed class StatusBoard : IOutputWriter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeEntry> _nodes = new();
    private readonly Dictionary<string, long> _missingByReason = new(StringComparer.Ordinal);

    public void Write(OutputChunk chunk)
    {
        lock (_lock)
            foreach (var run in chunk.Runs)
                Apply(run);
    }

    /// <summary>Nodes and their processes, each sorted by name.</summary>
    public IReadOnlyList<NodeStatus> Snapshot()
    {
        lock (_lock)
            return _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => n.Value.ToStatus(n.Key))
                .ToArray();
    }

    /// <summary>Lines the stream's gap events said are missing, by reason, since the start.</summary>
    public IReadOnlyList<(string Reason, long Lines)> MissingLines()
    {
        lock (_lock) return _missingByReason.Select(m => (m.Key, m.Value)).ToArray();
    }

    // A run is one node's: the node is looked up once, and a process's lines are added up while they last (a node's
    // batch has runs of lines of one process), then counted at once.
    private void Apply(in OutputRun run)
    {
        NodeEntry? node = null;
        ProcessEntry? lines = null;
        string? linesOf = null;
        long count = 0, bytes = 0;
        foreach (ref readonly var record in run)
        {
            // A task's change of state is the aggregator's word about a task (GET /api/tasks tells it), not news of a node
            // or a process: it would invent a node named "" for a whole task, and mark a node seen that is down.
            if (record.Kind == RecordKind.Task) continue;
            node ??= Node(run.Node);
            if (run.Late) node.LateRecords++;
            // node-down is stamped with the node's last reported progress, so it is a "last seen" too.
            if (record.Timestamp > node.LastSeen) node.LastSeen = record.Timestamp;
            if (record.Kind == RecordKind.Line)
            {
                if (!ReferenceEquals(record.Process, linesOf))
                {
                    lines?.AddLines(count, bytes);
                    (count, bytes) = (0, 0);
                    linesOf = record.Process;
                    lines = linesOf is null ? null : node.Process(linesOf);
                }
                // A line cut into pieces for length is one line; its bytes are all of its pieces'.
                if (!record.Continued) count++;
                bytes += record.Text.Length;
                continue;
            }
            // An event may change the process whose lines are being added up: they are counted first.
            lines?.AddLines(count, bytes);
            (count, bytes, lines, linesOf) = (0, 0, null, null);
            Apply(node, record);
        }
        lines?.AddLines(count, bytes);
    }

    private void Apply(NodeEntry node, in NodeRecord record)
    {
        if (record.Kind == RecordKind.Gap)
            _missingByReason[record.Reason ?? "unknown"] = _missingByReason.GetValueOrDefault(record.Reason ?? "unknown") + record.Count;
        if (record.Kind == RecordKind.NodeUp) (node.Up, node.Version) = (true, record.ChorusVersion);
        else if (record.Kind == RecordKind.NodeDown) node.Up = false;
        // scaled names a spec ("worker"), not an instance: its instances report for themselves.
        else if (record.Process is { } name && record.Kind != RecordKind.Scaled)
        {
            var process = node.Process(name);
            switch (record.Kind)
            {
                case RecordKind.Started: process.Start(record.Pid, record.Timestamp); break;
                case RecordKind.Exited: process.Exit(record.ExitCode, record.Signal); break;
                case RecordKind.Ready: process.Ready = true; break;
                case RecordKind.Restarting: process.Restart(); break;
                case RecordKind.GivenUp: process.Become("given-up"); break;
                case RecordKind.Waiting: process.Become("waiting"); break;
            }
        }
    }

    private NodeEntry Node(string name)
    {
        if (!_nodes.TryGetValue(name, out var node)) _nodes[name] = node = new NodeEntry();
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
        public long LateRecords { get; set; }

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
            _processes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ToStatus(p.Key)).ToArray(),
            LateRecords);
    }

    // A process whose lines arrive without its start (the node was already running it when the aggregator
    // started) counts as running, with no pid known.
    private sealed class ProcessEntry
    {
        private string _state = "running";
        private int? _pid;
        private int? _code;
        private int? _signal;
        private int _restarts;
        private DateTime? _startedAt;

        public long Lines { get; private set; }
        public long Bytes { get; private set; }

        public void AddLines(long lines, long bytes) => (Lines, Bytes) = (Lines + lines, Bytes + bytes);

        public bool Ready { get; set; }

        public void Start(int pid, DateTime at) => (_state, _pid, _code, _signal, _startedAt, Ready) = ("running", pid, null, null, at, false);

        public void Exit(int? code, int? signal) => (_state, _code, _signal, Ready) = ("exited", code, signal, false);

        public void Restart() => (_state, _restarts, Ready) = ("restarting", _restarts + 1, false);

        public void Become(string state) => (_state, Ready) = (state, false);

        public ProcessStatus ToStatus(string name) => new(name, _state, _pid, _code, _signal, Lines, Ready, _restarts, _startedAt, Bytes);
    }
}

/// <summary>
/// One node as /api/nodes shows it. <paramref name="State"/> is "up" or "down"; <paramref name="Version"/> null until its node-up.
/// <paramref name="LateRecords"/>: its records written after newer ones had been released (marked late).
/// </summary>
public sealed record NodeStatus(string Node, string State, string? Version, DateTime LastSeen, IReadOnlyList<ProcessStatus> Processes,
    long LateRecords = 0);

/// <summary>
/// One process as the stream told of it. <paramref name="State"/> is a <see cref="Chorus.Messages.Control.ProcessState"/>'s
/// name: "running" or "exited", and from nodes that send them, "restarting", "given-up" or "waiting".
/// <paramref name="Ready"/>: its ready event came since it last started; <paramref name="Restarts"/>: restarting
/// events seen; <paramref name="StartedAt"/>: its last started event's time (node clock), null when none was seen;
/// <paramref name="Bytes"/>: the text of its lines (every piece of a cut one).
/// </summary>
public sealed record ProcessStatus(string Proc, string State, int? Pid, int? Code, int? Signal, long Lines,
    bool Ready = false, int Restarts = 0, DateTime? StartedAt = null, long Bytes = 0);
