namespace Chorus.Aggregator.Tasks;

/// <summary>Where a task is in its life, fleet-wide. The names are the API's and the events' "state" values.</summary>
public enum TaskState
{
    /// <summary>Waits for its group's room or for the tasks it runs after.</summary>
    Queued,
    /// <summary>Sent to its nodes; at least one still runs it.</summary>
    Running,
    /// <summary>Every node is done with it (exited, refused, down, timed out): the exit code says how it went.</summary>
    Finished,
    /// <summary>Cancelled by queue cancel (or DELETE): killed where it ran, or never started.</summary>
    Cancelled,
    /// <summary>It was running when the aggregator stopped without seeing it end (kill -9): never rerun by itself.</summary>
    Lost,
    /// <summary>Never started: a task it runs after did not finish with 0, or its --on matches no node.</summary>
    Failed,
}

/// <summary>Where a task stands on one node. The names are the API's per-node "state" values.</summary>
public enum TaskNodeState
{
    /// <summary>Sent, not yet answered.</summary>
    Starting,
    Running,
    /// <summary>Ended by itself (or by a cancel or timeout's signal): see exit code and signal.</summary>
    Exited,
    /// <summary>The node does not run tasks (no --allow-run) or could not start it: see message.</summary>
    Refused,
    /// <summary>The node was down when the task started, or did not answer in time.</summary>
    Down,
    /// <summary>The node went down while it ran, or the aggregator stopped while it ran: what it printed is kept.</summary>
    Lost,
    /// <summary>Still running at --timeout: it was stopped.</summary>
    TimedOut,
    /// <summary>Stopped by a cancel.</summary>
    Cancelled,
}

public static class TaskStateNames
{
    /// <summary>"queued", "running", "finished", "cancelled", "lost", "failed".</summary>
    public static string Name(this TaskState state) => state.ToString().ToLowerInvariant();

    /// <summary>"starting", "running", "exited", "refused", "down", "lost", "timed-out", "cancelled".</summary>
    public static string Name(this TaskNodeState state) => state == TaskNodeState.TimedOut ? "timed-out" : state.ToString().ToLowerInvariant();

    /// <summary>The task is over: it will not change again.</summary>
    public static bool IsEnd(this TaskState state) => state is TaskState.Finished or TaskState.Cancelled or TaskState.Lost or TaskState.Failed;
}
