using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// The aggregator frozen with SIGSTOP for 30 s while a node keeps writing, then thawed with SIGCONT: the
/// node keeps reading, holds what it cannot send in memory up to its bound and the rest in the spool, waits
/// out the silence, re-joins and resends; nothing is lost or doubled, and the spool is emptied.
/// </summary>
public sealed class AggregatorFrozenTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 2000;
    // Lines of about 1 KB at 50 a second: the freeze piles up about 1.5 MB, far past the 64 KiB memory bound.
    private static readonly string Padding = new('p', 1000);
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-frozen-").FullName;

    [Fact]
    public async Task After_30_seconds_frozen_every_line_arrives_once_in_order_through_the_spool()
    {
        var spool = Path.Combine(_dir, "spool");
        var procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllText(procfile, $"steady: i=0; while [ $i -lt {Lines} ]; do i=$((i+1)); printf '%s %s\\n' $i {Padding}; sleep 0.02; done\n");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "steady", "--listen", "127.0.0.1:0",
            "--spool", spool, "--max-buffered-bytes", "64KiB", "--procfile", procfile);
        await using var nodeMemory = new PeakMemory(node.Pid);
        await aggregator.WaitForStdoutAsync(l => l.Contains($"\"text\":\"100 {Padding}\""));

        aggregator.Signal(19); // SIGSTOP
        await Task.Delay(Freeze); // the fault lasts this long; there is no condition to wait for
        var spooledDuringFreeze = SpoolFiles.Bytes(spool);
        aggregator.Signal(18); // SIGCONT

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"steady\""), TimeSpan.FromSeconds(30));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var texts = aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "line")
            .Select(r => r.GetProperty("text").GetString()).ToList();
        output.WriteLine($"{texts.Count} lines received; {spooledDuringFreeze} bytes spooled at the end of the freeze, {SpoolFiles.Bytes(spool)} after; " +
                         $"node peak RSS {nodeMemory.PeakBytes / 1048576} MiB; node said:\n{string.Join('\n', node.Stderr)}");
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"{i} {Padding}"), texts);
        Assert.True(spooledDuringFreeze > 512 * 1024, $"only {spooledDuringFreeze} bytes were spooled during the freeze");
        Assert.Equal(0, SpoolFiles.Bytes(spool));
        Assert.InRange(nodeMemory.PeakBytes, 1, 200L * 1024 * 1024);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
