namespace Chorus.Messages.Control;

/// <summary>
/// One process instance as its node reports it in a <see cref="ProcessTable"/>: what selectors match on, what
/// /api/nodes shows, and what a process of another node waits for.
/// </summary>
/// <param name="Name">The instance's name in the stream: "web", or "web.2" for a process with replicas.</param>
/// <param name="Base">The spec's name: "web" for web, web.1, web.2.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Ready">Its readiness holds (always true for a running process without readiness check); false unless running.</param>
/// <param name="Pid">The current (or last) run's process id; 0 before the first start.</param>
/// <param name="Restarts">How many times it was restarted by its restart policy or a verb.</param>
/// <param name="StartedAt">When the current (or last) run started, on the node's clock; default before the first start.</param>
/// <param name="ExitCode">The last run's exit code, when it exited by itself.</param>
/// <param name="Signal">The signal that ended the last run.</param>
/// <param name="Stdin">Its stdin stays open for input and attach (spec: stdin = true).</param>
/// <param name="Groups">The spec's groups.</param>
/// <param name="Labels">The spec's labels.</param>
/// <param name="WaitingFor">While <see cref="ProcessState.Waiting"/>: its dependencies not yet met, as written ("db@n1 ready"); empty otherwise.</param>
public sealed record ProcessInfo(
    string Name,
    string Base,
    ProcessState State,
    bool Ready,
    int Pid,
    int Restarts,
    DateTime StartedAt,
    int? ExitCode,
    int? Signal,
    bool Stdin,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> WaitingFor);
