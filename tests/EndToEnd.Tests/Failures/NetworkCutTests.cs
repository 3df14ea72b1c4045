using System.Diagnostics;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// A node on another "host" (a network namespace joined by a veth pair) loses its link to the aggregator
/// for 60 s while it keeps writing: node-down appears within the node timeout, node-up when the link
/// returns, and nothing is lost or doubled once it heals.
/// </summary>
public sealed class NetworkCutTests(ITestOutputHelper output) : IDisposable
{
    // About 100 s of writing: the 60 s cut, then enough time to reconnect (well inside ResumeWithin) and drain.
    private const int Lines = 4000;
    // Connections that crossed the cut are dropped 20 s into it (wire.conf), so resuming waits for a new
    // connection, not for TCP's backed-off retransmissions of the old one (up to a minute).
    private static readonly TimeSpan ResumeWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Cut = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-cut-").FullName;

    [NetworkNamespaceFact]
    public async Task A_60_second_cut_is_reported_and_loses_nothing_once_it_heals()
    {
        using var host = NetworkNamespace.Create(subnet: 1);
        var token = Path.Combine(_dir, "token");
        File.WriteAllText(token, "cut-test-token");
        var procfile = Path.Combine(_dir, "Procfile");
        // About 40 lines a second: the writer keeps going through the whole cut.
        File.WriteAllText(procfile, $"steady: i=0; while [ $i -lt {Lines} ]; do i=$((i+1)); echo $i; sleep 0.025; done\n");

        var (aggregator, join, _) = await ChorusProcess.StartAggregatorOnAsync($"{host.HostAddress}:0", "--format", "json", "--token-file", token);
        using var _ = aggregator;
        using var node = ChorusProcess.StartIn(host, "chorus-node", "--aggregator", join, "--name", "remote", "--listen", $"{host.InsideAddress}:0",
            "--token-file", token, "--spool", Path.Combine(_dir, "spool"), "--procfile", procfile);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"text\":\"100\""), TimeSpan.FromSeconds(60));

        host.CutLink();
        var clock = Stopwatch.StartNew();
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\""), TimeSpan.FromSeconds(20));
        var detected = clock.Elapsed;
        await Task.Delay(Cut - clock.Elapsed); // the cut lasts this long; there is no condition to wait for
        host.RestoreLink();
        var restoredAt = clock.Elapsed;
        // The lines are numbers in order: the one after the last that made it before the cut shows delivery resumed.
        var next = aggregator.Stdout.Count(l => l.Contains("\"type\":\"line\"")) + 1;
        await aggregator.WaitForStdoutAsync(l => l.Contains($"\"text\":\"{next}\""), TimeSpan.FromSeconds(60));
        var resumed = clock.Elapsed - restoredAt;

        // The writer forks a `sleep` per line: on a loaded 2-core machine its 4,000 lines take minutes, not 100 s.
        var nodeExit = await node.WaitForExitAsync(TimeSpan.FromSeconds(600));
        output.WriteLine($"node exited {nodeExit}; it said:\n{string.Join('\n', node.Stderr)}\naggregator said:\n{string.Join('\n', aggregator.Stderr)}");
        Assert.Equal(0, nodeExit);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && aggregator.Stdout.Count(x => x.Contains("\"node-down\"")) >= 2, TimeSpan.FromSeconds(30));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var records = aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var texts = records.Where(r => r.GetProperty("type").GetString() == "line").Select(r => r.GetProperty("text").GetString()).ToList();
        var events = records.Where(r => r.GetProperty("type").GetString() == "event").Select(r => r.GetProperty("event").GetString()).ToList();
        output.WriteLine($"node-down {detected.TotalSeconds:0.0} s after the cut; lines again {resumed.TotalSeconds:0.0} s after the link returned; " +
                         $"{texts.Count} lines; events: {string.Join(", ", events)}");
        Assert.True(detected < TimeSpan.FromSeconds(10), $"node-down after {detected}; the default must report a cut within 10 s");
        Assert.True(resumed < ResumeWithin, $"lines resumed {resumed.TotalSeconds:0.0} s after the link returned");
        // A cut is normal weather: reported in plain words, not as errors.
        Assert.DoesNotContain(node.Stderr, l => l.StartsWith("chorus: error:", StringComparison.Ordinal));
        Assert.DoesNotContain(aggregator.Stderr, l => l.StartsWith("chorus: error:", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString()), texts);
        Assert.True(events.Count(e => e == "node-up") >= 2, "node-up again after the link returned");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>A fact that needs network namespaces; skipped, with the reason, where they cannot be made.</summary>
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (NetworkNamespace.Unavailable() is { } reason) Skip = reason;
    }
}
