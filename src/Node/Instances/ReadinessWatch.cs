using Chorus.Node.Readiness;
using Chorus.Node.Spec;

namespace Chorus.Node.Instances;

/// <summary>
/// The readiness watch of one instance whose spec has a readiness check, one run at a time: a plain class its
/// <see cref="InstanceActor"/> calls, which keeps the timers and messages (README, "Readiness").
/// <list type="bullet">
/// <item><see cref="Begin"/> when a run starts: a fresh probe (none for a log check: the run's actor sees the
/// lines), no failure.</item>
/// <item><see cref="BeginLook"/> on each interval: the look to await, or null while one is under way (a slow
/// look is never stacked on) or when there is nothing to probe; <see cref="Answered"/> with its answer.</item>
/// <item><see cref="TimedOut"/> when the run's readiness timeout is over: the run has failed readiness, and
/// <see cref="Failure"/> says why.</item>
/// <item><see cref="Stop"/> once ready, once timed out, when the run ends and when the actor stops: the look under way is cancelled.</item>
/// </list>
/// Answers and timeouts carry the run they were for (<see cref="Run"/>): one for an earlier run counts for nothing.
/// </summary>
public sealed class ReadinessWatch(ReadinessCheck check, ProcessSpec spec, IReadOnlyDictionary<string, string> environment)
{
    private IReadinessProbe? _probe;
    private CancellationTokenSource? _probeCancel;
    private bool _looking;

    /// <summary>How long a run has to become ready.</summary>
    public TimeSpan Timeout => check.Timeout;

    /// <summary>How often to look, when <see cref="Probes"/>.</summary>
    public TimeSpan Interval => check.Interval;

    /// <summary>False for a log check: the run's actor sees the lines, nothing is probed here.</summary>
    public bool Probes => check.Kind != ReadinessKind.Log;

    /// <summary>The run being watched.</summary>
    public int Run { get; private set; }

    /// <summary>Why the run failed readiness (it was not ready in time); null while it has not.</summary>
    public string? Failure { get; private set; }

    public bool Failed => Failure is not null;

    public void Begin(int run)
    {
        Run = run;
        Failure = null;
        if (!Probes) return;
        _probe = ReadinessProbes.For(check, spec, environment);
        _probeCancel = new CancellationTokenSource();
    }

    /// <summary>A look, off the actor's thread, to await and hand to <see cref="Answered"/>; null when none is to be taken now.</summary>
    public Task<bool>? BeginLook()
    {
        if (_looking || _probe is null || _probeCancel is null) return null;
        _looking = true;
        return _probe.IsReadyAsync(_probeCancel.Token);
    }

    /// <summary>A look ended; true when it makes the watched run ready.</summary>
    public bool Answered(int run, bool ready)
    {
        _looking = false;
        return run == Run && ready;
    }

    /// <summary>
    /// The readiness timeout of <paramref name="run"/> is over; true when it is the watched run, which has now failed
    /// readiness (the caller then stops the watch). Not ready in time counts as a failed run: the actor stops it, and its restart
    /// policy decides what comes next.
    /// </summary>
    public bool TimedOut(int run)
    {
        if (run != Run) return false;
        Failure = $"not ready within {check.Timeout.TotalSeconds:0.###} s (readiness timeout)" +
                  (_probe is { LastFailure: { Length: > 0 } why } ? $": {why}" : "");
        return true;
    }

    public void Stop()
    {
        _probeCancel?.Cancel();
        _probeCancel = null;
        _probe = null;
        _looking = false;
    }
}
