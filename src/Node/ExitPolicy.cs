using Chorus.Hosting;

namespace Chorus.Node;

/// <summary>
/// When the node ends by itself, and with what exit code (README, "Exit policy" and "Exit codes"; scripts rely
/// on them). The code: the aggregator refused the node: <see cref="ExitCodes.Refused"/>; lines left
/// unacknowledged: <see cref="ExitCodes.Undelivered"/>; else the first process that failed for good on its own
/// passes on its code (128+S for a signal S, or <see cref="ExitCodes.ChildFailed"/> without either: given up
/// before it ran); else <see cref="ExitCodes.Success"/>. Exits the node caused (a stop asked for, a refusal, the
/// rest stopped by <see cref="ExitOn.FirstExit"/> or <see cref="ExitOn.Failure"/>) are not failures, and neither
/// is a run that ended to be restarted: only a process's end for good counts.
/// </summary>
public sealed class ExitPolicy(ExitOn exitOn = ExitOn.AllExited)
{
    private int? _firstFailure;
    private bool _stopping;

    public ExitOn ExitOn { get; } = exitOn;

    /// <summary>The aggregator refused the node: it stops, and nothing is drained (nothing would be accepted).</summary>
    public bool Refused { get; private set; }

    /// <summary>The node stops its processes from now on: their exits are its doing.</summary>
    public void Stopping() => _stopping = true;

    public void RefusedByAggregator() => Refused = true;

    /// <summary>
    /// A process ended for good (exited without a restart to come, or given up) on its own. True when the policy
    /// says to stop the rest now.
    /// </summary>
    public bool ProcessFinished(int? exitCode, int? signal)
    {
        if (_stopping) return false;
        var failed = exitCode is not 0 || signal is not null;
        if (failed && _firstFailure is null) _firstFailure = exitCode ?? 128 + signal ?? ExitCodes.ChildFailed;
        return ExitOn == ExitOn.FirstExit || (ExitOn == ExitOn.Failure && failed);
    }

    /// <summary>Whether the node ends once nothing runs or will run again: always but with <see cref="ExitOn.Never"/> (then only once stopped).</summary>
    public bool EndsWhenIdle => ExitOn != ExitOn.Never || _stopping;

    /// <summary>The exit code once everything has stopped, <paramref name="undeliveredRecords"/> left unacknowledged by the drain.</summary>
    public int ExitCode(long undeliveredRecords = 0) =>
        Refused ? ExitCodes.Refused
        : undeliveredRecords > 0 ? ExitCodes.Undelivered
        : _firstFailure ?? ExitCodes.Success;
}
