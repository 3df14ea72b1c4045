namespace Chorus.Messages.Control;

/// <summary>
/// Where a process instance is in its life, as selectors (<c>state:</c>), /api/nodes and the events name it.
/// "ready" is not a state of its own: a <see cref="Running"/> process whose readiness holds (or that has none).
/// </summary>
public enum ProcessState : byte
{
    /// <summary>Not started yet: it waits for its dependencies.</summary>
    Waiting = 0,
    Running = 1,
    /// <summary>Exited, and will start again after its backoff.</summary>
    Restarting = 2,
    /// <summary>Exited (on its own or stopped) and not restarting; a start verb runs it again.</summary>
    Exited = 3,
    /// <summary>Will not run again by itself: too many restarts, a readiness that never held, a dependency that never came.</summary>
    GivenUp = 4,
}

public static class ProcessStateNames
{
    /// <summary>The name in JSON and in selectors: "waiting", "running", "restarting", "exited", "given-up".</summary>
    public static string Name(this ProcessState state) => state switch
    {
        ProcessState.Waiting => "waiting",
        ProcessState.Running => "running",
        ProcessState.Restarting => "restarting",
        ProcessState.Exited => "exited",
        ProcessState.GivenUp => "given-up",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
