using Chorus.Messages.Control;

namespace Chorus.Messages.Tests.Selection;

/// <summary>ProcessInfo as a selector sees it, with only what selectors read set.</summary>
internal static class Processes
{
    public static ProcessInfo Process(
        string name,
        string? baseName = null,
        ProcessState state = ProcessState.Running,
        bool ready = true,
        string[]? groups = null,
        Dictionary<string, string>? labels = null) =>
        new(name, baseName ?? name, state, ready, Pid: 1, Restarts: 0, StartedAt: default, ExitCode: null, Signal: null,
            Stdin: false, groups ?? [], labels ?? [], WaitingFor: []);
}
