using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// run when it cannot follow the task's stream: an aggregator whose backlog-capacity is below the backlog run asks for
/// refuses the socket, and run waits for the task's end by asking its state instead. The summary and the exit code
/// are still the task's. One real aggregator running tasks on its own embedded node.
/// </summary>
public sealed class RunWithoutStreamTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-run-nostream-").FullName;

    [Fact]
    public async Task The_summary_and_exit_code_come_from_the_tasks_state()
    {
        var token = Write("token", "no-stream-token");
        var config = Write("small-backlog.conf", "chorus.aggregator.backlog-capacity = 500\n");
        var procfile = Write("Procfile", "idle: sleep 3600\n");
        var (aggregator, _, http) = await ChorusProcess.StartAggregatorAsync("--name", "solo", "--procfile", procfile, "--allow-run",
            "--token-file", token, "--config", config);
        using var _ = aggregator;
        await aggregator.WaitForStdoutAsync(l => l.Contains("solo") && l.Contains("node-up"));

        using var run = ChorusProcess.Start("chorus-aggregator", "run", "--url", http.ToString(), "--token-file", token, "--", "sh", "-c", "sleep 1; exit 4");

        Assert.Equal(4, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(run.Stderr, l => l.StartsWith("chorus: warning: the stream from the aggregator broke") && l.Contains("queue logs t1"));
        Assert.Equal("t1 finished, exit code 4", run.Stdout.First());
        Assert.Matches(@"^solo\s+exit 4\s", run.Stdout.Last());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
