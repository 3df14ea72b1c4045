using Chorus.Hosting;

namespace Chorus.Node;

/// <summary>
/// What chorus-node's exit code is (README, "Exit codes"; scripts rely on them): the aggregator refused the
/// node: <see cref="ExitCodes.Refused"/>; lines left unacknowledged: <see cref="ExitCodes.Undelivered"/>; else
/// the first process that failed on its own passes on its code (128+S for a signal S, or
/// <see cref="ExitCodes.ChildFailed"/> without either); else <see cref="ExitCodes.Success"/>. Exits the node
/// caused (a stop asked for, a refusal) are not failures.
/// </summary>
public sealed class ExitPolicy
{
    private int? _firstFailure;
    private bool _stopping;

    /// <summary>The aggregator refused the node: it stops, and nothing is drained (nothing would be accepted).</summary>
    public bool Refused { get; private set; }

    /// <summary>The node stops its processes from now on: their exits are its doing.</summary>
    public void Stopping() => _stopping = true;

    public void RefusedByAggregator() => Refused = true;

    public void ProcessFinished(int? exitCode, int? signal)
    {
        var failed = !_stopping && (exitCode is not 0 || signal is not null);
        if (failed && _firstFailure is null) _firstFailure = exitCode ?? 128 + signal ?? ExitCodes.ChildFailed;
    }

    /// <summary>The exit code once everything has stopped, <paramref name="undeliveredRecords"/> left unacknowledged by the drain.</summary>
    public int ExitCode(long undeliveredRecords = 0) =>
        Refused ? ExitCodes.Refused
        : undeliveredRecords > 0 ? ExitCodes.Undelivered
        : _firstFailure ?? ExitCodes.Success;
}
