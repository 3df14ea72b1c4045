using System.Diagnostics;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// A node is killed with kill -9 while it sends a spool of 200,000 lines, and started again with the same
/// spool. The aggregator's stdout is held meanwhile, so it has taken (and archived) batches whose
/// acknowledgements it still withholds when the node dies: the restarted node must not send those again,
/// and must not lose what it had read from the spool but not yet had acknowledged. Every line shows once,
/// in stdout and in the archive.
/// </summary>
public sealed class NodeKilledWhileDrainingTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 200_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-node-killed-draining-").FullName;

    [Fact]
    public async Task A_node_killed_while_it_drains_its_spool_and_restarted_on_it_delivers_every_line_once()
    {
        var archive = Path.Combine(_dir, "archive.jsonl");
        var spool = Path.Combine(_dir, "spool");
        var go = Path.Combine(_dir, "go");
        var procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllText(procfile, $"gen: while [ ! -e {go} ]; do sleep 0.05; done; seq 1 {Lines}; touch {_dir}/written\n");
        var clock = Stopwatch.StartNew();

        var (aggregator, join, _) = await ChorusProcess.StartAggregatorWithStdoutHeldAsync("--format", "text", "--archive", archive);
        using var _ = aggregator;
        var first = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", spool, "--max-buffered-bytes", "4MiB", "--procfile", procfile);
        await first.WaitForStderrAsync(l => l.Contains("joined the aggregator"), TimeSpan.FromSeconds(30));

        // What the process writes goes to memory (4 MiB: some 45,000 lines), then to the spool, while the aggregator is frozen.
        aggregator.Signal(19); // SIGSTOP
        await Eventually.True(() => aggregator.IsStopped, TimeSpan.FromSeconds(10));
        File.WriteAllText(go, "");
        await Eventually.True(() => File.Exists(Path.Combine(_dir, "written")), TimeSpan.FromSeconds(60));
        var spooled = await Steady(() => SpoolFiles.Bytes(spool));
        aggregator.Signal(18); // SIGCONT
        output.WriteLine($"thawed at {clock.Elapsed.TotalSeconds:0.0} s");

        // The node sends its spool; with stdout held, the aggregator archives what it takes until its pending
        // output is full, withholding acknowledgements on the way: kill the node once the archive stands still.
        await Eventually.True(() => ArchivedLines(archive) > 0, TimeSpan.FromSeconds(60));
        output.WriteLine($"archiving from {clock.Elapsed.TotalSeconds:0.0} s");
        await Steady(() => ArchivedLines(archive));
        first.Signal(9);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var archivedAtKill = ArchivedLines(archive);
        var segmentsAtKill = SpoolFiles.Segments(spool).Length;
        var killedAt = clock.Elapsed;
        first.Dispose();

        using var second = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", spool, "--max-buffered-bytes", "4MiB", "--", "true");
        aggregator.ReadStdout();
        var secondExit = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var nodeDoneAt = clock.Elapsed;
        output.WriteLine($"{spooled} bytes spooled; killed at {killedAt.TotalSeconds:0.0} s with {archivedAtKill} lines archived and " +
                         $"{segmentsAtKill} segment(s) left; restarted node done at {nodeDoneAt.TotalSeconds:0.0} s (exit {secondExit}). It said:\n" +
                         string.Join('\n', second.Stderr));
        Assert.Equal(0, secondExit);
        await aggregator.WaitForStdoutAsync(l => l.Contains($"n1/gen | {Lines}"), TimeSpan.FromSeconds(30));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var shown = new int[Lines + 1];
        foreach (var line in aggregator.Stdout.Where(l => l.Contains("n1/gen | ")))
            shown[int.Parse(line[(line.IndexOf(" | ", StringComparison.Ordinal) + 3)..])]++;
        var check = ArchiveCheck.Read(archive, ["gen"], Lines);
        output.WriteLine($"stdout: {shown.Count(n => n == 1)} lines once, {shown.Count(n => n > 1)} more than once, {shown.Skip(1).Count(n => n == 0)} missing; " +
                         $"archive: {check.Lines} lines, {check.Duplicates} duplicates, {check.OutOfOrder} out of order");

        Assert.InRange(archivedAtKill, 1, Lines - 1); // killed in the middle of the drain
        Assert.NotEqual(0, segmentsAtKill);
        Assert.Contains(second.Stderr, l => l.Contains("asking the aggregator which it holds"));
        Assert.Equal(Lines, shown.Skip(1).Count(n => n == 1));
        Assert.Equal((Lines, 0L, 0L, 0L), (check.Distinct["gen"], check.Duplicates, check.OutOfOrder, check.WrongText));
        Assert.Empty(SpoolFiles.Segments(spool));
    }

    private static long ArchivedLines(string archive)
    {
        if (!File.Exists(archive)) return 0;
        using var stream = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0L;
        while (reader.ReadLine() is { } line) if (line.StartsWith("{\"type\":\"line\"", StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>The value once it has stopped changing (ten looks in a row, 20 ms apart).</summary>
    private static async Task<long> Steady(Func<long> measure)
    {
        var (last, unchanged) = (-1L, 0);
        await Eventually.True(() =>
        {
            var now = measure();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
            return unchanged >= 10;
        }, TimeSpan.FromSeconds(60));
        return last;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
