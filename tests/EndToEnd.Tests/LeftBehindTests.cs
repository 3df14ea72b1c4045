using System.Diagnostics;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// Commands that leave processes behind (a script that starts a server in the background, a daemon that forks):
/// "exited" comes when the leader exits, what the rest of its group writes follows marked after_exit, and nothing
/// of any group outlives the node, which never hangs on them.
/// </summary>
public sealed class LeftBehindTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _procfile = Path.GetTempFileName();
    private readonly string _config = Path.GetTempFileName();
    private readonly List<int> _groups = [];
    private readonly List<int> _escaped = [];

    [Fact]
    public async Task A_line_written_after_the_leader_exited_follows_exited_marked_and_sigterm_ends_every_group_within_grace_and_drain()
    {
        // svc is the issue's line; stubborn ignores SIGTERM, so only the SIGKILL after the grace ends it.
        File.WriteAllText(_procfile, """
            svc: (sleep 3; echo late; sleep 1000) & echo first
            stubborn: trap '' TERM; echo ready; while true; do sleep 0.2; done
            """);
        File.WriteAllText(_config, "chorus.node { stop-grace = 2s }");
        using var aggregator = StartAggregator();
        var svc = await StartedGroup(aggregator, "svc");
        var stubborn = await StartedGroup(aggregator, "stubborn");

        await aggregator.WaitForStdoutAsync(l => l.Contains("\"text\":\"late\""), TimeSpan.FromSeconds(20));
        var svcRecords = Records(aggregator).Where(r => r.Proc == "svc").ToList();
        Assert.Equal(["started", "line first", "exited 0", "line late after_exit"], svcRecords.Select(r => r.Summary));
        Assert.NotEmpty(ProcessGroups.Members(svc)); // sleep 1000, still running in svc's group

        var clock = Stopwatch.StartNew();
        aggregator.Signal(15);
        var code = await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(2 + 10 + 5));
        var took = clock.Elapsed;

        output.WriteLine($"SIGTERM to exit: {took.TotalSeconds:0.00} s (grace 2 s, drain-timeout 10 s)");
        Assert.Equal(0, code);
        Assert.Empty(ProcessGroups.Members(svc));
        Assert.Empty(ProcessGroups.Members(stubborn));
        Assert.True(took < TimeSpan.FromSeconds(2 + 10), $"took {took}");
    }

    [Fact]
    public async Task A_daemon_that_closed_its_output_is_stopped_when_the_node_ends_by_itself()
    {
        // The daemon writes nowhere and ignores SIGTERM: the node ends once the leader exited and the pipes closed,
        // then SIGTERM, grace, SIGKILL.
        File.WriteAllText(_procfile, "daemon: (trap '' TERM; exec >/dev/null 2>&1; sleep 1000) & echo started it\n");
        File.WriteAllText(_config, "chorus.node { stop-grace = 1s }");
        using var aggregator = StartAggregator();
        var group = await StartedGroup(aggregator, "daemon");

        var code = await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, code);
        Assert.Contains(Records(aggregator), r => r.Summary == "exited 0");
        Assert.Empty(ProcessGroups.Members(group));
        Assert.Contains(aggregator.Stderr, l => l.Contains("daemon") && l.Contains("left"));
    }

    [Fact]
    public async Task A_process_that_left_its_group_holding_the_pipes_does_not_keep_the_node_running()
    {
        // setsid takes sleep out of the group (Chorus cannot follow it) while it still holds the pipes.
        File.WriteAllText(_procfile, "svc: setsid sleep 1000 & echo $!\n");
        using var node = await StartNodeWith("--procfile", _procfile);
        var escapedLine = await node.Aggregator.WaitForStdoutAsync(l => l.Contains("\"type\":\"line\""), TimeSpan.FromSeconds(20));
        _escaped.Add(int.Parse(JsonDocument.Parse(escapedLine).RootElement.GetProperty("text").GetString()!));

        Assert.Equal(0, await node.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(Records(node.Aggregator), r => r.Summary == "exited 0");
    }

    private ChorusProcess StartAggregator() =>
        ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--format", "json",
            "--name", "solo", "--config", _config, "--procfile", _procfile);

    private sealed record NodeRun(ChorusProcess Aggregator, ChorusProcess Process) : IDisposable
    {
        public void Dispose()
        {
            Process.Dispose();
            Aggregator.Dispose();
        }
    }

    private static async Task<NodeRun> StartNodeWith(params string[] args)
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        var node = ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", "n", "--listen", "127.0.0.1:0", .. args]);
        return new NodeRun(aggregator, node);
    }

    /// <summary>The process group of a started process (its leader's pid), remembered for the cleanup.</summary>
    private async Task<int> StartedGroup(ChorusProcess aggregator, string proc)
    {
        var started = await aggregator.WaitForStdoutAsync(l => l.Contains("\"started\"") && l.Contains($"\"proc\":\"{proc}\""), TimeSpan.FromSeconds(20));
        var group = JsonDocument.Parse(started).RootElement.GetProperty("pid").GetInt32();
        _groups.Add(group);
        return group;
    }

    private sealed record Record(string? Proc, string Summary);

    /// <summary>Each record of the JSON stream in short: "line TEXT [after_exit]", "exited CODE", "started".</summary>
    private static List<Record> Records(ChorusProcess aggregator) =>
        aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement).Select(r =>
        {
            var proc = r.TryGetProperty("proc", out var p) ? p.GetString() : null;
            var summary = r.GetProperty("type").GetString() == "line"
                ? $"line {r.GetProperty("text").GetString()}{(r.TryGetProperty("after_exit", out var a) && a.GetBoolean() ? " after_exit" : "")}"
                : r.GetProperty("event").GetString() switch
                {
                    "exited" => $"exited {r.GetProperty("code")}",
                    var other => other!,
                };
            return new Record(proc, summary);
        }).ToList();

    public void Dispose()
    {
        foreach (var group in _groups) ProcessGroups.Kill(group);
        foreach (var pid in _escaped) ProcessGroups.Kill(pid);
        File.Delete(_procfile);
        File.Delete(_config);
    }
}
