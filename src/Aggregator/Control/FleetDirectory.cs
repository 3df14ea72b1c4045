using Chorus.Messages.Control;

namespace Chorus.Aggregator.Control;

/// <summary>
/// Every node's process table as the node last reported it (<see cref="ProcessTable"/>): groups, labels, state,
/// readiness; and every node's own labels (<c>chorus-node --label</c>, from its last join), kept while it is down, for
/// tasks' <c>--on</c>. What selectors match on at the aggregator (watchers' select=, the page, /api/nodes, tasks). Thread-safe:
/// written by the ControlActor, read by HTTP requests and stream filters; <see cref="Version"/> changes with every
/// write, so a reader can keep what it worked out until then.
/// </summary>
public sealed class FleetDirectory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, ProcessInfo>> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _labels = new(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private long _version;

    public long Version => Volatile.Read(ref _version);

    /// <summary>The node's processes are these, and only these, from now on.</summary>
    public void Update(string node, IReadOnlyList<ProcessInfo> processes)
    {
        var table = new Dictionary<string, ProcessInfo>(processes.Count, StringComparer.Ordinal);
        foreach (var process in processes) table[process.Name] = process;
        lock (_lock)
        {
            _nodes[node] = table;
            _version++;
        }
    }

    /// <summary>The node is gone for good (forgotten by ingest): its processes no longer exist anywhere.</summary>
    public void Forget(string node)
    {
        lock (_lock)
            if (_nodes.Remove(node) | _labels.Remove(node)) _version++;
    }

    /// <summary>The node's own labels are these from now on (it joined with them).</summary>
    public void SetLabels(string node, IReadOnlyDictionary<string, string> labels)
    {
        lock (_lock)
        {
            _labels[node] = labels;
            _version++;
        }
    }

    /// <summary>The node's own labels as its last join gave them; none for a node not seen joining.</summary>
    public IReadOnlyDictionary<string, string> LabelsOf(string node)
    {
        lock (_lock)
            return _labels.GetValueOrDefault(node, NoLabels);
    }

    public ProcessInfo? Find(string node, string process)
    {
        lock (_lock)
            return _nodes.TryGetValue(node, out var table) && table.TryGetValue(process, out var info) ? info : null;
    }

    /// <summary>Every process of every node, by node then process name.</summary>
    public IReadOnlyList<NodeProcess> All()
    {
        lock (_lock)
            return _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
                .SelectMany(n => n.Value.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new NodeProcess(n.Key, p)))
                .ToArray();
    }

    /// <summary>Whether the node has reported a table (it may be empty): then it lists every process the node has.</summary>
    public bool HasTable(string node)
    {
        lock (_lock)
            return _nodes.ContainsKey(node);
    }

    /// <summary>The processes of one node, by name; empty for a node that never reported.</summary>
    public IReadOnlyList<ProcessInfo> Of(string node)
    {
        lock (_lock)
            return _nodes.TryGetValue(node, out var table) ? table.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray() : [];
    }
}
