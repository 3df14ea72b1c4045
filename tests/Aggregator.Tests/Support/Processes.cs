using Chorus.Messages.Control;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>Process table entries as a node reports them, with only what a test cares about given.</summary>
public static class Processes
{
    public static ProcessInfo Info(string name, ProcessState state = ProcessState.Running, bool ready = true, string[]? groups = null,
        Dictionary<string, string>? labels = null, bool stdin = false, string? baseName = null, int pid = 100, int restarts = 0,
        DateTime startedAt = default, string[]? waitingFor = null) =>
        new(name, baseName ?? name, state, ready, pid, restarts, startedAt, ExitCode: null, Signal: null, stdin,
            groups ?? [], labels ?? new Dictionary<string, string>(), waitingFor ?? []);
}
