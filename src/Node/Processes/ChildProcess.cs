using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Chorus.Hosting.Security;
using Chorus.Node.Spec;

namespace Chorus.Node.Processes;

/// <summary>
/// One started command: <c>/bin/sh -c COMMAND</c> as the leader of its own process group (via setsid), so a
/// signal reaches everything the command started, not just the shell. stdin is closed; stdout and stderr are
/// pipes the <see cref="ProcessActor"/> reads. The <see cref="OrphanGuard"/> ends the group if the node dies first.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int NoSuchProcess = 3; // ESRCH

    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public Stream Stdout => _process.StandardOutput.BaseStream;
    public Stream Stderr => _process.StandardError.BaseStream;

    public static ChildProcess Start(ProcessSpec spec, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Without -w setsid execs the shell in place, so the pid we hold is the group leader's.
        start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(spec.Command);
        // The node's token is its own secret, not its processes': they do not inherit it (an environment file
        // that names CHORUS_TOKEN still gives it to them, on purpose).
        start.Environment.Remove(AccessToken.EnvironmentVariable);
        foreach (var (key, value) in environment) start.Environment[key] = value;

        try
        {
            var process = Process.Start(start)
                ?? throw new InvalidOperationException($"\"{spec.Name}\" could not be started.");
            process.StandardInput.Close();
            OrphanGuard.Watch(process.Id);
            return new ChildProcess(process);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"\"{spec.Name}\" could not be started: {e.Message}. Chorus needs /bin/sh and setsid (util-linux) on the PATH.", e);
        }
    }

    /// <summary>Exit code, or the signal that ended it (the runtime reports a signal N as 128+N).</summary>
    public async Task<(int? Code, int? Signal)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var code = _process.ExitCode;
        return code is > 128 and < 128 + 65 ? (null, code - 128) : (code, null);
    }

    /// <summary>Signals the whole process group; harmless if it is already gone.</summary>
    public void SignalGroup(int signal)
    {
        if (Kill(-_process.Id, signal) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess || _process.HasExited) return;
        // No group yet: the child has not reached setsid() since it started. It is still alone (the shell that
        // would start anything else has not been exec'd), so the signal sent to it reaches the whole command.
        _ = Kill(_process.Id, signal);
    }

    /// <summary>Whether anything of the process group still runs (its leader may be long gone).</summary>
    public bool GroupAlive() => ProcessGroupMembers.AnyAlive(_process.Id);

    public void Dispose()
    {
        OrphanGuard.Forget(_process.Id);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
