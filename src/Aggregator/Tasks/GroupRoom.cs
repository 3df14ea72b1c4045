namespace Chorus.Aggregator.Tasks;

/// <summary>
/// Whether a group has room for one more task: fewer than its parallel limit running fleet-wide, and on no node its
/// --on may match already its per-node limit. Which nodes a task runs on is known only once they answered, so while
/// one of the group's tasks is still being started, a group with a per-node limit starts nothing more; and a node is
/// judged by its name alone (<see cref="Chorus.Messages.Selection.Selector.MayMatchNode"/>), so a label: selector
/// waits for room on every node that is full.
/// </summary>
internal static class GroupRoom
{
    public static bool Fits(TaskGroup group, IReadOnlyCollection<ActiveTask> running, ActiveTask candidate)
    {
        if (group.Parallel is { } parallel && running.Count >= parallel) return false;
        if (group.PerNode is not { } perNode) return true;
        if (running.Any(t => t.Starting)) return false;
        var perNodeCount = running.SelectMany(t => t.RunningNodes).GroupBy(n => n, StringComparer.Ordinal);
        return !perNodeCount.Any(node => node.Count() >= perNode && candidate.On.MayMatchNode(node.Key));
    }
}
