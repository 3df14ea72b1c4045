using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// The spool fills past its cap while the aggregator is frozen (SIGSTOP): the node drops the oldest spooled
/// lines and, once the aggregator is back, a <c>gap</c> event per process takes their place with the exact
/// number dropped. What is kept (the lines held in memory, then the newest spooled ones) arrives once, in order.
/// The same on a disk that fills before the cap is reached: the lines that did not fit are the gap, after those kept.
/// </summary>
public sealed class SpoolFullTests(ITestOutputHelper output) : IDisposable
{
    private const int LinesPerProc = 15_000;
    private const int LineBytes = 100;
    private const long SpoolCap = 1024 * 1024;
    private static readonly string[] Procs = ["alpha", "beta"];
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-spool-full-").FullName;

    [Fact]
    public async Task Past_the_spool_cap_a_gap_event_counts_exactly_the_lines_dropped()
    {
        var spool = Path.Combine(_dir, "spool");
        var (records, spooledBytes) = await RunThroughAFreeze(spool, ["--spool-max-bytes", SpoolCap.ToString()],
            // The first segment deleted while nothing could be sent: the spool reached its cap and dropped its oldest lines.
            reachedTheLimit: () => SpoolFiles.Segments(spool) is { Length: > 0 } segments && !segments.Contains("001000000000.spool"));

        Assert.InRange(spooledBytes, 1, SpoolCap);
        var kept = Procs.Select(p => EveryLineArrivedOnceOrWasCountedInAGap(records, p)).ToList();
        Assert.True(kept.Sum(k => k.Dropped) > 0, "the spool was meant to overflow");
        // Oldest first: no line kept in the spool (one after its process's gap) is older than a dropped line of any process.
        var newestDropped = kept.Where(k => k.NewestDropped is not null).Max(k => k.NewestDropped!.Value);
        Assert.All(kept.SelectMany(k => k.AfterGap), ts => Assert.True(ts >= newestDropped, $"kept line at {ts:O} is older than a dropped one at {newestDropped:O}"));
    }

    [SmallDiskFact]
    public async Task A_spool_on_a_disk_that_fills_ends_in_a_gap_event_that_counts_exactly_the_lines_not_kept()
    {
        // 1 MiB of tmpfs, far below the spool's own cap: the disk, not the cap, runs out (ENOSPC).
        using var disk = SmallDisk.Mount("1m");
        var spool = Path.Combine(disk.Path, "spool");
        var (records, spooledBytes) = await RunThroughAFreeze(spool, [], reachedTheLimit: () => true);

        Assert.InRange(spooledBytes, 1, 1024 * 1024);
        var kept = Procs.Select(p => EveryLineArrivedOnceOrWasCountedInAGap(records, p)).ToList();
        Assert.True(kept.Sum(k => k.Dropped) > 0, "the disk was meant to fill");
    }

    /// <summary>
    /// Runs the processes while the aggregator is frozen, until they are done and the spool has stopped
    /// changing, then thaws it and lets the node deliver and exit (it must exit 0: it said what it dropped).
    /// Returns the aggregator's stdout, parsed, and the bytes the spool held when thawed.
    /// </summary>
    private async Task<(List<JsonElement> Records, long SpooledBytes)> RunThroughAFreeze(string spool, string[] nodeFlags, Func<bool> reachedTheLimit)
    {
        var go = Path.Combine(_dir, "go");
        var procfile = Path.Combine(_dir, "Procfile");
        // Each process waits for the signal to write, writes its lines (8-digit number, a space, padding) as
        // fast as it can, then leaves a mark that it is done.
        var padding = new string('x', LineBytes - 9);
        File.WriteAllText(procfile, string.Concat(Procs.Select(p =>
            $"{p}: while [ ! -e {go} ]; do sleep 0.05; done; " +
            $"awk 'BEGIN {{ for (i = 1; i <= {LinesPerProc}; i++) printf \"%08d {padding}\\n\", i }}'; touch {_dir}/{p}.written\n")));

        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", spool, "--max-buffered-bytes", "64KiB", .. nodeFlags, "--procfile", procfile]);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"started\"") && aggregator.Stdout.Count(s => s.Contains("\"started\"")) == Procs.Length,
            TimeSpan.FromSeconds(60));

        aggregator.Signal(19); // SIGSTOP
        await Eventually.True(() => aggregator.IsStopped, TimeSpan.FromSeconds(10));
        File.WriteAllText(go, "");
        await Eventually.True(() => Procs.All(p => File.Exists(Path.Combine(_dir, $"{p}.written"))), TimeSpan.FromSeconds(60));
        await Eventually.True(reachedTheLimit, TimeSpan.FromSeconds(60));
        // The node is done spooling once the spool stops changing (the writers have finished); measure it then,
        // not while segments are being dropped and written.
        var (spooledBytes, unchanged) = (-1L, 0);
        await Eventually.True(() =>
        {
            var now = SpoolFiles.Bytes(spool);
            unchanged = now == spooledBytes ? unchanged + 1 : 0;
            spooledBytes = now;
            return unchanged >= 10;
        }, TimeSpan.FromSeconds(60));
        aggregator.Signal(18); // SIGCONT

        var nodeExit = await node.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"node exited {nodeExit}; spool held {spooledBytes} bytes when thawed; node said:\n{string.Join('\n', node.Stderr)}");
        Assert.Equal(0, nodeExit);
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\""), TimeSpan.FromSeconds(30));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty(SpoolFiles.Segments(spool));
        return (aggregator.Stdout.Select(l => JsonDocument.Parse(l).RootElement).ToList(), spooledBytes);
    }

    /// <summary>
    /// Walks the process's records in output order: each line must be the next number, each gap (reason
    /// spool-full) must skip exactly its count, and together they must reach the last line written.
    /// </summary>
    private Kept EveryLineArrivedOnceOrWasCountedInAGap(List<JsonElement> records, string proc)
    {
        var expected = 1L;
        var (received, dropped, gaps) = (0, 0L, 0);
        DateTimeOffset? newestDropped = null;
        var afterGap = new List<DateTimeOffset>();
        foreach (var record in records.Where(r => r.TryGetProperty("proc", out var p) && p.GetString() == proc))
        {
            var ts = record.GetProperty("ts").GetDateTimeOffset();
            if (record.GetProperty("type").GetString() == "line")
            {
                Assert.Equal(expected, record.GetProperty("seq").GetInt64());
                Assert.Equal($"{expected:D8} {new string('x', LineBytes - 9)}", record.GetProperty("text").GetString());
                (expected, received) = (expected + 1, received + 1);
                if (gaps > 0) afterGap.Add(ts);
            }
            else if (record.GetProperty("event").GetString() == "gap")
            {
                Assert.Equal("spool-full", record.GetProperty("reason").GetString());
                var count = record.GetProperty("count").GetInt64();
                (expected, dropped, gaps) = (expected + count, dropped + count, gaps + 1);
                newestDropped = ts; // a gap is stamped with the time of the newest line it stands for
            }
        }
        output.WriteLine($"{proc}: {LinesPerProc} written, {received} received ({afterGap.Count} of them from the spool after the gap), " +
                         $"{dropped} dropped in {gaps} gap event(s)");
        Assert.Equal(LinesPerProc + 1, expected);
        Assert.Equal(LinesPerProc - received, dropped);
        return new Kept(dropped, newestDropped, afterGap);
    }

    private sealed record Kept(long Dropped, DateTimeOffset? NewestDropped, List<DateTimeOffset> AfterGap);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
