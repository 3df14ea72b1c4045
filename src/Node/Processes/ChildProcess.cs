using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Chorus.Hosting.Security;
using Chorus.Node.Spec;

namespace Chorus.Node.Processes;

/// <summary>
/// One started command: <c>/bin/sh -c COMMAND</c> as the leader of its own process group (via setsid), so a
/// signal reaches everything the command started, not just the shell; in the spec's working directory (none:
/// the node's). stdin is closed unless the spec says <c>stdin = true</c> (then <see cref="Input"/> writes to it);
/// stdout and stderr are pipes the <see cref="ProcessActor"/> reads. With <c>tty = true</c> the command runs
/// under a pseudo-terminal (<see cref="ScriptTerminal"/>). The <see cref="OrphanGuard"/> ends the group if the
/// node dies first.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int NoSuchProcess = 3; // ESRCH

    private readonly Process _process;
    private readonly bool _tty;
    // A tty command's own group, inside script's (found once script has started it).
    private int? _innerGroup;

    private ChildProcess(Process process, bool tty, ChildInput? input)
    {
        _process = process;
        _tty = tty;
        Input = input;
    }

    public int Pid => _process.Id;
    public Stream Stdout => _process.StandardOutput.BaseStream;
    public Stream Stderr => _process.StandardError.BaseStream;

    /// <summary>The child's stdin, for a spec with <c>stdin = true</c>; null: it is closed.</summary>
    public ChildInput? Input { get; }

    /// <param name="pollInterval">How often the stdin writer looks whether it was closed while the child does not read.</param>
    public static ChildProcess Start(ProcessSpec spec, IReadOnlyDictionary<string, string> environment, TimeSpan? pollInterval = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? "",
        };
        // Without -w setsid execs in place, so the pid we hold is the group leader's.
        if (spec.Tty) ScriptTerminal.Wrap(start, spec.Command);
        else foreach (var arg in new[] { "/bin/sh", "-c", spec.Command }) start.ArgumentList.Add(arg);
        // The node's token is its own secret, not its processes': they do not inherit it (an environment file
        // that names CHORUS_TOKEN still gives it to them, on purpose). Nor the aggregator's watch token, which the
        // processes of its embedded node would otherwise get.
        start.Environment.Remove(AccessToken.EnvironmentVariable);
        start.Environment.Remove(SecurityOptions.WatchTokenVariable);
        foreach (var (key, value) in environment) start.Environment[key] = value;

        try
        {
            var process = Process.Start(start)
                ?? throw new InvalidOperationException($"\"{spec.Name}\" could not be started.");
            var pid = process.Id; // the Process object may be disposed while the stdin writer still asks
            ChildInput? input = null;
            if (spec.Stdin) input = new ChildInput(process.StandardInput.BaseStream, () => ProcessGroupMembers.Alive(pid), pollInterval ?? TimeSpan.FromMilliseconds(100));
            else process.StandardInput.Close();
            OrphanGuard.Watch(process.Id);
            return new ChildProcess(process, spec.Tty, input);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"\"{spec.Name}\" could not be started: {e.Message}. Chorus needs /bin/sh, setsid and script (util-linux) on the PATH"
                + (spec.WorkingDirectory is { } dir ? $", and its working-dir {dir} must exist." : "."), e);
        }
    }

    /// <summary>Exit code, or the signal that ended it (the runtime reports a signal N as 128+N, and so does script -e).</summary>
    public async Task<(int? Code, int? Signal)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var code = _process.ExitCode;
        return code is > 128 and < 128 + 65 ? (null, code - 128) : (code, null);
    }

    /// <summary>
    /// <see cref="SignalGroup"/>, unless this is a tty command that script has not started yet: then nothing
    /// is sent and the answer is false, ask again shortly. Signalled itself, script would not pass the signal
    /// on as it is (TERM becomes its own stop, exit 0; others kill script alone). SIGKILL is always sent.
    /// </summary>
    public bool TrySignalGroup(int signal)
    {
        if (_tty && signal != Signals.Kill && InnerGroup() is null && !_process.HasExited) return false;
        SignalGroup(signal);
        return true;
    }

    /// <summary>Signals the whole process group (a tty command's own group); harmless if it is already gone.</summary>
    public void SignalGroup(int signal)
    {
        if (_tty && InnerGroup() is { } inner)
        {
            _ = Kill(-inner, signal);
            // script follows its command out by itself; only SIGKILL is for both.
            if (signal != Signals.Kill) return;
        }
        if (Kill(-_process.Id, signal) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess || _process.HasExited) return;
        // No group yet: the child has not reached setsid() since it started. It is still alone (the shell that
        // would start anything else has not been exec'd), so the signal sent to it reaches the whole command.
        _ = Kill(_process.Id, signal);
    }

    /// <summary>Whether anything of the process group (or a tty command's own group) still runs; its leader may be long gone.</summary>
    public bool GroupAlive() =>
        ProcessGroupMembers.AnyAlive(_process.Id) || (_tty && InnerGroup() is { } inner && ProcessGroupMembers.AnyAlive(inner));

    private int? InnerGroup()
    {
        if (_innerGroup is null && ScriptTerminal.InnerGroup(_process.Id) is { } found)
        {
            _innerGroup = found;
            OrphanGuard.Watch(found);
        }
        return _innerGroup;
    }

    public void Dispose()
    {
        Input?.Close();
        OrphanGuard.Forget(_process.Id);
        if (_innerGroup is { } inner) OrphanGuard.Forget(inner);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
