using System.Diagnostics;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// The aggregator is killed with kill -9 in the middle of a 1,000,000-line run and started again on the same
/// port with the same archive. The node notices by itself, re-joins, resends what was not acknowledged; the
/// archive must hold every line exactly once, in per-process order.
/// </summary>
public sealed class AggregatorKilledTests(ITestOutputHelper output) : IDisposable
{
    private const int Chunks = 250;
    private const int LinesPerChunk = 2000;
    private const int LinesPerProc = Chunks * LinesPerChunk;
    private static readonly string[] Procs = ["alpha", "beta"];
    // The node's drain (after its children end) must outlast the outage. The children end about 13 s into the
    // run whatever the load, while the kill waits for 56 MB of archive: on a quiet machine that comes first, but
    // under load (average 20-100) the children had ended 20 s before the kill, so the default 10 s drain ran out
    // during the outage (5 s to notice, a cold aggregator to re-join, half the run to resend) and the node left
    // its lines in the spool (exit 3). The drain ends as soon as everything is acknowledged, so this costs nothing
    // when the run is quick; what it guards is the promise under test, not a time.
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(150);
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-killed-").FullName;

    [Fact]
    public async Task After_kill_9_and_a_restart_the_archive_holds_each_line_exactly_once_in_order()
    {
        var archive = Path.Combine(_dir, "archive.jsonl");
        var procfile = Path.Combine(_dir, "Procfile");
        // Bursts of 2000 lines with a pause between: a run long enough to be killed in the middle of.
        var producer = $"i=0; while [ $i -lt {Chunks} ]; do seq $((i*{LinesPerChunk}+1)) $((i*{LinesPerChunk}+{LinesPerChunk})); sleep 0.05; i=$((i+1)); done";
        File.WriteAllText(procfile, string.Join('\n', Procs.Select(p => $"{p}: {producer}")) + "\n");
        var config = Path.Combine(_dir, "node.conf");
        File.WriteAllText(config, $"chorus.node.drain-timeout = {Drain.TotalSeconds}s\n");
        var clock = Stopwatch.StartNew();

        // Text on stdout: the test reads the archive, and a million JSON lines held as strings would weigh 300 MB.
        var (first, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "text", "--archive", archive);
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", Path.Combine(_dir, "spool"), "--config", config, "--procfile", procfile);
        await using var memory = new PeakMemory(node.Pid);

        // About 140 bytes an archived line: kill once some 400,000 of the 1,000,000 are in.
        await Eventually.True(() => File.Exists(archive) && new FileInfo(archive).Length > 56_000_000, TimeSpan.FromSeconds(90));
        first.Signal(9);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        first.Dispose();
        var killedAt = clock.Elapsed;
        var archivedAtKill = File.ReadLines(archive).Count(l => l.StartsWith("{\"type\":\"line\""));

        var (second, _, _) = await ChorusProcess.StartAggregatorOnAsync(join, "--format", "text", "--archive", archive);
        using var _ = second;
        await node.WaitForStderrAsync(l => l.Contains("the aggregator restarted"), TimeSpan.FromSeconds(30));
        var resumedAt = clock.Elapsed;
        var nodeExit = await node.WaitForExitAsync(Drain + TimeSpan.FromSeconds(30));
        var nodeDoneAt = clock.Elapsed;
        Assert.True(nodeExit == 0, $"node exited {nodeExit} at {nodeDoneAt.TotalSeconds:0.0} s (killed at {killedAt.TotalSeconds:0.0} s, resumed at {resumedAt.TotalSeconds:0.0} s); it said:\n{string.Join('\n', node.Stderr)}");
        await second.WaitForStdoutAsync(l => l.EndsWith(" * node-down"), TimeSpan.FromSeconds(30));
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var check = ArchiveCheck.Read(archive, Procs, LinesPerProc);
        // A line reaches stdout only once it is archived, so the lines nodes resend after the restart are
        // repeats to the second run too: across both runs' stdout, no line shows twice.
        var (shown, shownTwice) = ArchiveCheck.Shown(first.Stdout.Concat(second.Stdout));
        output.WriteLine($"lines sent {Procs.Length * LinesPerProc}, archived {check.Lines}, duplicates {check.Duplicates}, out of order {check.OutOfOrder}; " +
                         $"killed at {killedAt.TotalSeconds:0.0} s with {archivedAtKill} lines archived, node resumed {(resumedAt - killedAt).TotalSeconds:0.0} s later, " +
                         $"node done at {nodeDoneAt.TotalSeconds:0.0} s; node peak RSS {memory.PeakBytes / 1048576} MiB; total {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine($"stdout of both runs: {shown} lines shown once, {shownTwice} shown twice");
        output.WriteLine(string.Join('\n', node.Stderr));
        output.WriteLine(string.Join('\n', second.Stderr));

        Assert.InRange(archivedAtKill, 1, Procs.Length * LinesPerProc - 1); // killed in the middle, not before or after
        check.AssertEachLineOnceInOrder(Procs, LinesPerProc);
        Assert.Equal(0, shownTwice);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
