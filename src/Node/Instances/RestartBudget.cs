using Chorus.Node.Spec;

namespace Chorus.Node.Instances;

/// <summary>
/// How long an instance waits before its next restart, and when it has had too many (README, "Restarts and
/// backoff"). Restart n counts the restarts within the last restart-window, this one included: the wait is
/// <c>min(initial * factor^(n-1), max)</c> moved by up to ±jitter of itself; restart max-restarts+1 within the
/// window gives the instance up instead. Restarts asked for by a verb do not count.
/// </summary>
public sealed class RestartBudget(RestartBackoff backoff, int maxRestarts, TimeSpan window, Func<double> unitRandom)
{
    private readonly Queue<DateTime> _recent = new();

    public RestartBudget(ProcessSpec spec) : this(spec.Backoff, spec.MaxRestarts, spec.RestartWindow, Random.Shared.NextDouble) { }

    /// <summary>The restart to come at <paramref name="now"/>: its attempt number within the window and its wait, or why the instance is given up instead.</summary>
    public RestartDecision Next(DateTime now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > window) _recent.Dequeue();
        _recent.Enqueue(now);
        var attempt = _recent.Count;
        if (attempt > maxRestarts)
            return new RestartDecision(attempt, TimeSpan.Zero,
                $"{attempt} restarts within {window.TotalSeconds:0.###} s (max-restarts = {maxRestarts})");
        return new RestartDecision(attempt, Delay(backoff, attempt, unitRandom()), GivenUpReason: null);
    }

    /// <summary>The wait before restart <paramref name="attempt"/> (from 1), <paramref name="unitRandom"/> in [0, 1) placing it within the jitter.</summary>
    public static TimeSpan Delay(RestartBackoff backoff, int attempt, double unitRandom)
    {
        var capped = Math.Min(backoff.Initial.TotalMilliseconds * Math.Pow(backoff.Factor, attempt - 1), backoff.Max.TotalMilliseconds);
        var jittered = capped * (1 + backoff.Jitter * (2 * unitRandom - 1));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}

/// <summary>Restart <paramref name="Attempt"/> after <paramref name="Delay"/>; or, with a <paramref name="GivenUpReason"/>, none.</summary>
public sealed record RestartDecision(int Attempt, TimeSpan Delay, string? GivenUpReason);
