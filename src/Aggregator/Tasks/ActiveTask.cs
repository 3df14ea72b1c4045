using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// A task that is not over yet, as the <see cref="TaskQueueActor"/> keeps it between changes: its nodes by name, whether
/// its start is still being answered, how nodes that end from now on are counted (stopped by a cancel or the timeout),
/// and what the stream said before the nodes' answers to the start came (a quick command's exited can overtake them).
/// </summary>
internal sealed class ActiveTask(TaskInfo info)
{
    public TaskInfo Info { get; set; } = info;
    public Selector On { get; } = Selector.Parse(info.Request.On);
    public SortedDictionary<string, TaskNodeInfo> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Sent to the nodes, their answers not yet in: it takes room in its group, on nodes not yet known.</summary>
    public bool Starting { get; set; }

    /// <summary>Cancelled or TimedOut once it is being stopped: the state of each node that ends from then on.</summary>
    public TaskNodeState? StopAs { get; set; }

    /// <summary>What the stream said of it (<see cref="TaskQueueActor.ProcessStarted"/>, <see cref="TaskQueueActor.ProcessExited"/>, <see cref="TaskQueueActor.NodeWentDown"/>) while <see cref="Starting"/>.</summary>
    public List<object> Early { get; } = [];

    public bool Queued => Info.State == TaskState.Queued && !Starting;

    public IEnumerable<string> RunningNodes => Nodes.Values.Where(n => n.State is TaskNodeState.Starting or TaskNodeState.Running).Select(n => n.Node);

    public bool RunsOn(string node) => Nodes.TryGetValue(node, out var on) && on.State is TaskNodeState.Starting or TaskNodeState.Running;

    /// <summary>Started, and every node is done with it.</summary>
    public bool AllNodesOver => Info.State == TaskState.Running && !Starting && !RunningNodes.Any();

    public TaskInfo Snapshot() => Info with { Nodes = Nodes.Values.ToArray() };
}
