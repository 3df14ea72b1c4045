namespace Chorus.Messages;

/// <summary>
/// One entry of a node's ordered output: a line, or an event about a process. Lines and events travel in
/// the same sequence so that "started" always precedes a process's first line and "exited" follows its last.
/// A struct, so a batch of thousands of lines is one array, and <see cref="Text"/> is a slice of a shared
/// buffer: the hot path allocates per batch, not per line.
/// </summary>
/// <param name="Kind">What this record reports.</param>
/// <param name="Process">The process name from the Procfile; null for node-wide events.</param>
/// <param name="Stream">The pipe a line came from; meaningless for events.</param>
/// <param name="Seq">Per-process line number, from 1, shared by stdout and stderr; 0 for events.</param>
/// <param name="Timestamp">UTC time the node took the line in (its own clock).</param>
/// <param name="Text">UTF-8 bytes of the line, without the line ending; always valid UTF-8. For
/// <see cref="RecordKind.NodeUp"/>, the node's Chorus version (/api/nodes shows it; the stream's node-up does not).</param>
/// <param name="Continued">The line was longer than the limit: this piece is followed by the rest.</param>
/// <param name="Pid">Process id, for <see cref="RecordKind.Started"/>.</param>
/// <param name="ExitCode">Exit code, for <see cref="RecordKind.Exited"/> when the process exited by itself.</param>
/// <param name="Signal">Signal number, for <see cref="RecordKind.Exited"/> when a signal ended the process.</param>
/// <param name="Count">How many lines are missing, for <see cref="RecordKind.Gap"/>; the attempt, for
/// <see cref="RecordKind.Restarting"/>; the replicas, for <see cref="RecordKind.Scaled"/>.</param>
/// <param name="Reason">Why lines are missing, for <see cref="RecordKind.Gap"/>; why, for <see cref="RecordKind.GivenUp"/>;
/// what it waits for, for <see cref="RecordKind.Waiting"/>.</param>
/// <param name="DelayMs">How long until the restart, for <see cref="RecordKind.Restarting"/> (whose attempt is <paramref name="Count"/>).</param>
/// <param name="AfterExit">A line read after its process's leader exited ("exited" was already sent): written by
/// something the command left running in its process group.</param>
public readonly record struct NodeRecord(
    RecordKind Kind,
    string? Process,
    OutputStream Stream,
    long Seq,
    DateTime Timestamp,
    ReadOnlyMemory<byte> Text,
    bool Continued = false,
    int Pid = 0,
    int? ExitCode = null,
    int? Signal = null,
    long Count = 0,
    string? Reason = null,
    bool AfterExit = false,
    int DelayMs = 0)
{
    public static NodeRecord Line(string process, OutputStream stream, long seq, DateTime timestamp,
        ReadOnlyMemory<byte> text, bool continued, bool afterExit = false) =>
        new(RecordKind.Line, process, stream, seq, timestamp, text, continued, AfterExit: afterExit);

    public static NodeRecord Started(string process, int pid, DateTime timestamp) =>
        new(RecordKind.Started, process, OutputStream.Stdout, 0, timestamp, default, Pid: pid);

    public static NodeRecord Exited(string process, int? exitCode, int? signal, DateTime timestamp) =>
        new(RecordKind.Exited, process, OutputStream.Stdout, 0, timestamp, default, ExitCode: exitCode, Signal: signal);

    public static NodeRecord Gap(string? process, long count, string reason, DateTime timestamp) =>
        new(RecordKind.Gap, process, OutputStream.Stdout, 0, timestamp, default, Count: count, Reason: reason);

    /// <summary>The process's readiness check holds (or it has none and started).</summary>
    public static NodeRecord Ready(string process, DateTime timestamp) =>
        new(RecordKind.Ready, process, OutputStream.Stdout, 0, timestamp, default);

    /// <summary>The process exited and starts again after <paramref name="delay"/>: restart number <paramref name="attempt"/>.</summary>
    public static NodeRecord Restarting(string process, long attempt, int delayMs, DateTime timestamp) =>
        new(RecordKind.Restarting, process, OutputStream.Stdout, 0, timestamp, default, Count: attempt, DelayMs: delayMs);

    /// <summary>The process will not run again by itself, and <paramref name="reason"/> says why.</summary>
    public static NodeRecord GivenUp(string process, string reason, DateTime timestamp) =>
        new(RecordKind.GivenUp, process, OutputStream.Stdout, 0, timestamp, default, Reason: reason);

    /// <summary>The spec <paramref name="process"/> now runs <paramref name="replicas"/> instances.</summary>
    public static NodeRecord Scaled(string process, long replicas, DateTime timestamp) =>
        new(RecordKind.Scaled, process, OutputStream.Stdout, 0, timestamp, default, Count: replicas);

    /// <summary>The process waits for <paramref name="waitingFor"/> ("db ready, cache@n2 started") before it starts.</summary>
    public static NodeRecord Waiting(string process, string waitingFor, DateTime timestamp) =>
        new(RecordKind.Waiting, process, OutputStream.Stdout, 0, timestamp, default, Reason: waitingFor);

    /// <summary>The aggregator saw a node of that Chorus version join. Its own observation: no node sends one (the serializer refuses it in a batch).</summary>
    public static NodeRecord NodeUp(DateTime timestamp, string chorusVersion) =>
        new(RecordKind.NodeUp, null, OutputStream.Stdout, 0, timestamp, System.Text.Encoding.UTF8.GetBytes(chorusVersion));

    /// <summary>The Chorus version a <see cref="RecordKind.NodeUp"/> carries; null for every other kind.</summary>
    public string? ChorusVersion => Kind == RecordKind.NodeUp ? System.Text.Encoding.UTF8.GetString(Text.Span) : null;

    /// <summary>The aggregator saw a node leave or fall silent. Its own observation, like <see cref="NodeUp"/>.</summary>
    public static NodeRecord NodeDown(DateTime timestamp) =>
        new(RecordKind.NodeDown, null, OutputStream.Stdout, 0, timestamp, default);

    /// <summary>
    /// A task changed state: <paramref name="process"/> is its process name ("task-t1"), <paramref name="state"/>
    /// the new state's name ("queued", "running", "finished", ...), <paramref name="exitCode"/> the fleet's exit code
    /// once it has one, <paramref name="detail"/> what a person reads about it ("after t3 failed", ""). The aggregator's
    /// own observation, like <see cref="NodeUp"/>; it goes out under the node a state concerns, or "" for the whole task.
    /// </summary>
    public static NodeRecord Task(string process, string state, int? exitCode, string detail, DateTime timestamp) =>
        new(RecordKind.Task, process, OutputStream.Stdout, 0, timestamp, System.Text.Encoding.UTF8.GetBytes(detail), ExitCode: exitCode, Reason: state);

    /// <summary>Made by the aggregator, never by a node: no batch carries it, and no pending-output bound counts it.</summary>
    public bool IsAggregatorObservation => Kind is RecordKind.NodeUp or RecordKind.NodeDown or RecordKind.Task;
}
