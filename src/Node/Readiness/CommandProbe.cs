using Chorus.Node.Processes;
using Chorus.Node.Spec;

namespace Chorus.Node.Readiness;

/// <summary>
/// Ready once the command, run by /bin/sh -c in the process's working directory and environment, exits 0
/// within one look. One that outlasts the look is killed (its whole process group) and counts as not ready.
/// Its output is read and dropped.
/// </summary>
public sealed class CommandProbe(string command, ProcessSpec spec, IReadOnlyDictionary<string, string> environment, TimeSpan look)
    : IReadinessProbe
{
    // The check runs as the process would, but never with a terminal or an open stdin.
    private readonly ProcessSpec _check = spec with { Command = command, Stdin = false, Tty = false };

    public string LastFailure { get; private set; } = "not looked at yet";

    public async Task<bool> IsReadyAsync(CancellationToken cancellation)
    {
        ChildProcess child;
        try
        {
            child = ChildProcess.Start(_check, environment);
        }
        catch (InvalidOperationException e)
        {
            LastFailure = $"readiness command \"{command}\" could not be started: {e.Message}";
            return false;
        }
        using (child)
        {
            // Read and dropped, so a talkative check never blocks on a full pipe.
            var drained = Task.WhenAll(child.Stdout.CopyToAsync(Stream.Null, cancellation), child.Stderr.CopyToAsync(Stream.Null, cancellation));
            var exit = child.WaitForExitAsync();
            try
            {
                var (code, signal) = await exit.WaitAsync(look, cancellation).ConfigureAwait(false);
                await drained.WaitAsync(look, cancellation).ConfigureAwait(false);
                if (code == 0) return true;
                LastFailure = code is { } c
                    ? $"readiness command \"{command}\" exited with {c}"
                    : $"readiness command \"{command}\" ended by signal {signal}";
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                child.SignalGroup(Signals.Kill);
                await exit.ConfigureAwait(false);
                LastFailure = $"readiness command \"{command}\" did not finish within {ReadinessProbes.Say(look)} and was killed";
            }
            return false;
        }
    }
}
