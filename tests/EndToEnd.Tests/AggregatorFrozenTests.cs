using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// The aggregator frozen with SIGSTOP for 30 s while a node keeps writing, then thawed with SIGCONT: the
/// node keeps reading, waits out the silence, re-joins and resends; nothing is lost or doubled.
/// </summary>
public sealed class AggregatorFrozenTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 2000;
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(30);
    private readonly string _procfile = Path.GetTempFileName();

    [Fact]
    public async Task After_30_seconds_frozen_every_line_arrives_once_in_order()
    {
        // About 50 lines a second, so the writer keeps going through the whole freeze.
        File.WriteAllText(_procfile, $"steady: i=0; while [ $i -lt {Lines} ]; do i=$((i+1)); echo $i; sleep 0.02; done\n");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "steady", "--listen", "127.0.0.1:0", "--procfile", _procfile);
        await using var nodeMemory = new PeakMemory(node.Pid);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"text\":\"100\""));

        aggregator.Signal(19); // SIGSTOP
        await Task.Delay(Freeze); // the fault lasts this long; there is no condition to wait for
        aggregator.Signal(18); // SIGCONT

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"steady\""), TimeSpan.FromSeconds(30));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var texts = aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "line")
            .Select(r => r.GetProperty("text").GetString()).ToList();
        output.WriteLine($"{texts.Count} lines received; node peak RSS {nodeMemory.PeakBytes / 1048576} MiB; node said:\n{string.Join('\n', node.Stderr)}");
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString()), texts);
        Assert.InRange(nodeMemory.PeakBytes, 1, 400L * 1024 * 1024);
    }

    public void Dispose() => File.Delete(_procfile);
}
