using System.Diagnostics;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// The aggregator is killed with kill -9 in the middle of a run and started again on the same port with the
/// same archive. The node notices by itself, re-joins, resends what was not acknowledged; the archive must
/// hold every line exactly once, in per-process order.
/// </summary>
public sealed class AggregatorKilledTests(ITestOutputHelper output) : IDisposable
{
    private const int Chunks = 100;
    private const int LinesPerChunk = 1000;
    private static readonly string[] Procs = ["alpha", "beta"];
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-killed-").FullName;

    [Fact]
    public async Task After_kill_9_and_a_restart_the_archive_holds_each_line_exactly_once_in_order()
    {
        var archive = Path.Combine(_dir, "archive.jsonl");
        var procfile = Path.Combine(_dir, "Procfile");
        // Bursts of 1000 lines with a pause between: a run long enough to be killed in the middle of.
        var producer = $"i=0; while [ $i -lt {Chunks} ]; do seq $((i*{LinesPerChunk}+1)) $((i*{LinesPerChunk}+{LinesPerChunk})); sleep 0.08; i=$((i+1)); done";
        File.WriteAllText(procfile, string.Join('\n', Procs.Select(p => $"{p}: {producer}")) + "\n");
        var clock = Stopwatch.StartNew();

        var (first, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json", "--archive", archive);
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", Path.Combine(_dir, "spool"), "--procfile", procfile);
        await using var memory = new PeakMemory(node.Pid);

        await Eventually.True(() => File.Exists(archive) && new FileInfo(archive).Length > 5_000_000, TimeSpan.FromSeconds(60)); // ~40,000 lines
        first.Signal(9);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        first.Dispose();
        var killedAt = clock.Elapsed;

        var (second, _, _) = await ChorusProcess.StartAggregatorOnAsync(join, "--format", "json", "--archive", archive);
        using var _ = second;
        await node.WaitForStderrAsync(l => l.Contains("the aggregator restarted"), TimeSpan.FromSeconds(30));
        var resumedAt = clock.Elapsed;
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        await second.WaitForStdoutAsync(l => l.Contains("\"node-down\""), TimeSpan.FromSeconds(30));
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var lines = File.ReadLines(archive).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "line").ToList();
        var duplicates = lines.Count - lines.Select(l => (l.GetProperty("proc").GetString(), l.GetProperty("seq").GetInt64())).Distinct().Count();
        output.WriteLine($"lines sent {Procs.Length * Chunks * LinesPerChunk}, archived {lines.Count}, duplicates {duplicates}; " +
                         $"killed at {killedAt.TotalSeconds:0.0} s, node resumed {(resumedAt - killedAt).TotalSeconds:0.0} s later; " +
                         $"node peak RSS {memory.PeakBytes / 1048576} MiB; total {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(string.Join('\n', node.Stderr));
        output.WriteLine(string.Join('\n', second.Stderr));

        foreach (var proc in Procs)
        {
            var mine = lines.Where(l => l.GetProperty("proc").GetString() == proc).ToList();
            Assert.Equal(Enumerable.Range(1, Chunks * LinesPerChunk).Select(i => (long)i), mine.Select(l => l.GetProperty("seq").GetInt64()));
            Assert.Equal(Enumerable.Range(1, Chunks * LinesPerChunk).Select(i => i.ToString()), mine.Select(l => l.GetProperty("text").GetString()));
        }
    }


    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
