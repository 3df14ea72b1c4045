using System.Diagnostics;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>--exit-on from the real executables: first-exit and failure stop the rest, as README's Exit policy says.</summary>
public sealed class ExitOnTests : IDisposable
{
    private readonly string _procfile = Path.GetTempFileName();

    [Fact]
    public async Task First_exit_stops_a_long_running_server_once_a_job_has_ended_and_exits_like_the_job()
    {
        File.WriteAllText(_procfile, "job: sleep 0.5; exit 0\nserver: sleep 60\n");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync();
        using var _ = aggregator;
        var clock = Stopwatch.StartNew();
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n", "--listen", "127.0.0.1:0",
            "--exit-on", "first-exit", "--procfile", _procfile);

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"it took {clock.Elapsed}: the server was not stopped");
        Assert.Contains(node.Stderr, l => l.Contains("\"job\" has ended and --exit-on is first-exit"));
    }

    [Fact]
    public async Task Failure_stops_the_rest_once_one_fails_and_passes_on_its_code_from_the_aggregator_running_a_procfile()
    {
        File.WriteAllText(_procfile, "ok: true\nbad: sleep 1; exit 6\nserver: sleep 60\n");
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
            "--exit-on", "failure", "--procfile", _procfile);

        Assert.Equal(6, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public async Task An_unknown_policy_is_a_usage_error()
    {
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", "127.0.0.1:1", "--exit-on", "sometimes", "--", "true");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("all-exited, first-exit, failure, never"));
    }

    public void Dispose() => File.Delete(_procfile);
}
