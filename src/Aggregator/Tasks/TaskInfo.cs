namespace Chorus.Aggregator.Tasks;

/// <summary>
/// What is asked: <c>chorus-aggregator run</c>'s flags, or <c>POST /api/tasks</c>'s body (README, "Run a command on
/// the fleet"). <paramref name="Command"/> is the words to run, each quoted for /bin/sh on the node.
/// </summary>
public sealed record TaskRequest(
    IReadOnlyList<string> Command,
    string On,
    string Group,
    IReadOnlyList<string> After,
    TimeSpan? Timeout,
    bool Fold,
    TimeSpan FoldWindow)
{
    public const string DefaultGroup = "default";
    public static readonly TimeSpan DefaultFoldWindow = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// A task as <c>GET /api/tasks</c> shows it and the store keeps it. <paramref name="Id"/> is "t1", "t2", ...; its
/// processes are named "task-" + id on every node. <paramref name="ExitCode"/> is the fleet's, once it is over:
/// the highest of the nodes' (a signal n counts as 128 + n), 255 for a node that refused, was down, was lost or
/// timed out, 130 for a cancelled task (see <see cref="TaskExitCode"/>).
/// </summary>
public sealed record TaskInfo(
    string Id,
    TaskRequest Request,
    TaskState State,
    DateTime QueuedAt,
    DateTime? StartedAt,
    DateTime? EndedAt,
    int? ExitCode,
    string Message,
    IReadOnlyList<TaskNodeInfo> Nodes)
{
    public const string ProcessPrefix = "task-";

    public string Process => ProcessPrefix + Id;
}

/// <summary>The task on one node: its state, how it ended, and what a person reads about it (the refusal, the loss).</summary>
public sealed record TaskNodeInfo(
    string Node,
    TaskNodeState State,
    DateTime? StartedAt,
    DateTime? EndedAt,
    int? ExitCode,
    int? Signal,
    string Message);
