using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// The real chorus-aggregator, started as a user starts it: its own OS process, both ports 0, and a node
/// inside it running a Procfile written for the test. The URL comes from its "watch at" line on stderr.
/// Disposing kills it together with the processes it runs.
/// </summary>
public sealed class AggregatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _stderr;

    private AggregatorProcess(Process process, string directory, ConcurrentQueue<string> stderr, Uri url)
    {
        _process = process;
        _directory = directory;
        _stderr = stderr;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Url { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public static async Task<AggregatorProcess> StartAsync(string procfile, string nodeName, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("chorus-watch-").FullName;
        var procfilePath = Path.Combine(directory, "Procfile");
        await File.WriteAllTextAsync(procfilePath, procfile);

        // The executable is built with the tests (a project reference) and copied beside them.
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "chorus-aggregator"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--procfile", procfilePath, "--name", nodeName, "--no-color", .. extraArgs])
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException("chorus-aggregator did not start.");
        var stderr = new ConcurrentQueue<string>();
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            stderr.Enqueue(e.Data);
            const string watchAt = "chorus: watch at ";
            if (e.Data.StartsWith(watchAt, StringComparison.Ordinal)) url.TrySetResult(new Uri(e.Data[watchAt.Length..]));
        };
        // stdout carries the merged stream; it is drained so that the aggregator never waits on the pipe.
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(url.Task, exited, Task.Delay(StartTimeout));
        if (first != url.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"chorus-aggregator printed no \"watch at\" line within {StartTimeout.TotalSeconds} s. Its stderr:\n{string.Join('\n', stderr)}");
        }
        return new AggregatorProcess(process, directory, stderr, await url.Task);
    }

    /// <summary>What the aggregator wrote on stderr so far, for failure messages.</summary>
    public string Stderr => string.Join('\n', _stderr);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
