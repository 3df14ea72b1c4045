using System.Diagnostics;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>A node killed with kill -9: the aggregator reports node-down within its node timeout, and none of the node's processes live on.</summary>
public sealed class NodeKilledTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _procfile = Path.GetTempFileName();

    [Fact]
    public async Task A_killed_node_is_reported_down_and_leaves_no_process_behind()
    {
        // One process that sleeps quietly, one that talks and starts a grandchild of its own.
        File.WriteAllText(_procfile, "sleeper: sleep 300\ntalker: sleep 300 & while true; do echo hi; sleep 0.2; done\n");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json", "--node-timeout", "2000");
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "doomed", "--listen", "127.0.0.1:0", "--procfile", _procfile);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"text\":\"hi\""));
        var groups = aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("event", out var e) && e.GetString() == "started")
            .Select(r => r.GetProperty("pid").GetInt32()).ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.NotEmpty(ProcessGroups.Members(g)));

        var clock = Stopwatch.StartNew();
        node.Signal(9);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"doomed\""), TimeSpan.FromSeconds(10));
        var detected = clock.Elapsed;
        await Eventually.True(() => groups.All(g => ProcessGroups.Members(g).Count == 0), TimeSpan.FromSeconds(10));
        output.WriteLine($"node-down {detected.TotalSeconds:0.00} s after kill -9 (node timeout 2 s); children gone after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.True(detected < TimeSpan.FromSeconds(4), $"node-down after {detected}");
    }

    public void Dispose() => File.Delete(_procfile);
}
