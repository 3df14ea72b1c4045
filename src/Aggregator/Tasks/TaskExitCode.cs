namespace Chorus.Aggregator.Tasks;

/// <summary>
/// The fleet's exit code for a task, as pdsh -S gives it: the highest of its nodes'. A signal n counts as 128 + n (as
/// a shell reports it); a node that refused, was down, was lost or timed out counts as 255 (as ssh does for a host it
/// could not reach); a cancelled task is 130 (as a shell's Ctrl-C); a task that never started (failed) is 255.
/// </summary>
public static class TaskExitCode
{
    public const int Unreachable = 255;
    public const int Cancelled = 130;

    public static int Of(TaskState state, IReadOnlyList<TaskNodeInfo> nodes) => state switch
    {
        TaskState.Cancelled => Cancelled,
        TaskState.Failed => Unreachable,
        _ => nodes.Count == 0 ? Unreachable : nodes.Max(Of),
    };

    public static int Of(TaskNodeInfo node) => node.State switch
    {
        TaskNodeState.Exited when node.Signal is { } signal => 128 + signal,
        TaskNodeState.Exited => node.ExitCode ?? Unreachable,
        TaskNodeState.Cancelled => Cancelled,
        _ => Unreachable,
    };
}
