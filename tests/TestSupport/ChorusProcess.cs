using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Chorus.Tests.Support;

/// <summary>
/// A built Chorus executable (chorus-aggregator or chorus-node, run from its own project's output folder,
/// built in the same configuration as the tests) running as a real OS process. Collects its stdout and stderr lines as they come, so tests
/// wait for what they expect instead of sleeping (stdout only from <see cref="ReadStdout"/> on, when started with it held). Killed on
/// dispose if still running. Each gets a state folder of its own (XDG_STATE_HOME, unless the test sets one), so
/// nodes of the same name in tests that run at once never share a spool; it is deleted on dispose.
/// </summary>
public sealed partial class ChorusProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly string _stateHome;

    private ChorusProcess(Process process, bool readStdout, string stateHome)
    {
        _process = process;
        _stateHome = stateHome;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        if (readStdout) process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Stdout => _stdout;
    public IReadOnlyCollection<string> Stderr => _stderr;
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ChorusProcess Start(string executable, params string[] args) => Launch(Executables.PathOf(executable), args, readStdout: true);

    /// <summary>
    /// Starts the executable in <paramref name="workingDirectory"/> with <paramref name="environment"/> set over the usual
    /// environment (a null value removes a variable, e.g. NO_COLOR, which every other start sets).
    /// </summary>
    public static ChorusProcess StartFrom(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string executable, params string[] args) =>
        Launch(Executables.PathOf(executable), args, readStdout: true, workingDirectory, start =>
        {
            foreach (var (key, value) in environment) start[key] = value;
        });

    /// <summary>Starts the executable inside a network namespace (see <see cref="NetworkNamespace"/>).</summary>
    public static ChorusProcess StartIn(NetworkNamespace space, string executable, params string[] args) =>
        Launch("ip", ["netns", "exec", space.Name, Executables.PathOf(executable), .. args], readStdout: true);

    /// <summary>
    /// Starts the executable at <paramref name="path"/> (a published one, say), inside <paramref name="space"/> when given,
    /// with the environment <paramref name="environment"/> leaves (it gets this process's, to edit).
    /// </summary>
    public static ChorusProcess StartFile(string path, NetworkNamespace? space, Action<IDictionary<string, string?>> environment, params string[] args) =>
        space is null
            ? Launch(path, args, readStdout: true, editEnvironment: environment)
            : Launch("ip", ["netns", "exec", space.Name, path, .. args], readStdout: true, editEnvironment: environment);

    private static ChorusProcess Launch(string program, string[] args, bool readStdout, string? workingDirectory = null,
        Action<IDictionary<string, string?>>? editEnvironment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var stateHome = Directory.CreateTempSubdirectory("chorus-state-").FullName;
        start.Environment["XDG_STATE_HOME"] = stateHome;
        editEnvironment?.Invoke(start.Environment);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        return new ChorusProcess(Process.Start(start)!, readStdout, stateHome);
    }

    /// <summary>Starts an aggregator on free ports and waits for it to say where nodes join and where to watch.</summary>
    public static Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorAsync(params string[] extraArgs) =>
        StartAggregatorOnAsync("127.0.0.1:0", extraArgs);

    /// <summary>Starts an aggregator where nodes join at <paramref name="listen"/> (say, the address of one that was killed).</summary>
    public static Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorOnAsync(string listen, params string[] extraArgs) =>
        StartAggregatorAsync(listen, readStdout: true, extraArgs);

    /// <summary>
    /// Starts an aggregator whose stdout nobody reads until <see cref="ReadStdout"/>: the pipe fills and its writes
    /// block, as behind a paused terminal or a reader that stopped.
    /// </summary>
    public static Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorWithStdoutHeldAsync(params string[] extraArgs) =>
        StartAggregatorAsync("127.0.0.1:0", readStdout: false, extraArgs);

    private static async Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorAsync(string listen, bool readStdout, string[] extraArgs)
    {
        var aggregator = Launch(Executables.PathOf("chorus-aggregator"), ["--listen", listen, "--http", "127.0.0.1:0", .. extraArgs], readStdout);
        var (join, http) = await aggregator.WaitForAddressesAsync();
        return (aggregator, join, http);
    }

    /// <summary>Waits for an aggregator's two start-up lines on stderr: where nodes join, and where to watch.</summary>
    public async Task<(string Join, Uri Http)> WaitForAddressesAsync()
    {
        var join = JoinLine().Match(await WaitForStderrAsync(l => JoinLine().IsMatch(l)));
        var watch = WatchLine().Match(await WaitForStderrAsync(l => WatchLine().IsMatch(l)));
        return (join.Groups[1].Value, new Uri(watch.Groups[1].Value));
    }

    /// <summary>Starts collecting stdout, for a process started with it held.</summary>
    public void ReadStdout() => _process.BeginOutputReadLine();

    public Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null) => WaitForAsync(_stderr, match, timeout);

    public Task<string> WaitForStdoutAsync(Func<string, bool> match, TimeSpan? timeout = null) => WaitForAsync(_stdout, match, timeout);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not exit within {timeout}. stderr:\n{string.Join('\n', _stderr)}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    /// <summary>Whether the process is stopped (SIGSTOP has taken effect), from the state in /proc/PID/stat.</summary>
    public bool IsStopped
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            // The state follows the command, which is in parentheses and may itself contain spaces.
            return stat[stat.LastIndexOf(')') + 2] == 'T';
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // The executable alone, as kill -9 would: its orphan guard then ends every process group it started,
            // members that left the process tree included. Killing the whole tree killed the guard with it and
            // left such members running.
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        Directory.Delete(_stateHome, recursive: true);
    }

    private async Task<string> WaitForAsync(ConcurrentQueue<string> lines, Func<string, bool> match, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var found = lines.FirstOrDefault(match);
            if (found is not null) return found;
            if (_process.HasExited && DrainedOutput(lines).FirstOrDefault(match) is null)
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited ({_process.ExitCode}) before printing the expected line. stderr:\n{string.Join('\n', _stderr)}");
            await Task.Delay(20); // polling the collected output; the condition, not the delay, ends the wait
        }
        throw new TimeoutException($"{_process.StartInfo.FileName} did not print the expected line. stderr:\n{string.Join('\n', _stderr)}");
    }

    /// <summary>The lines, once the exited process's last output is collected: the exit can be seen before the last lines are read.</summary>
    private ConcurrentQueue<string> DrainedOutput(ConcurrentQueue<string> lines)
    {
        _process.WaitForExit();
        return lines;
    }

    [GeneratedRegex(@"^chorus: nodes join at (\S+)$")]
    private static partial Regex JoinLine();

    [GeneratedRegex(@"^chorus: watch at (\S+)$")]
    private static partial Regex WatchLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
