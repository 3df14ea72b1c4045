using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// The disk under --archive fills in the middle of a run: the aggregator must stop with exit code 5 rather
/// than acknowledge lines it did not keep. Given room and started again with the same archive, it takes the
/// lines the node still holds: the archive then has every line exactly once, in per-process order, and no
/// line showed twice across both runs' stdout.
/// </summary>
public sealed class ArchiveDiskFullTests(ITestOutputHelper output) : IDisposable
{
    private const int LinesPerProc = 5_000;
    private static readonly string[] Procs = ["alpha", "beta"];
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-archive-full-").FullName;

    [SmallDiskFact]
    public async Task An_archive_whose_disk_fills_mid_run_exits_5_and_after_a_restart_holds_each_line_once()
    {
        // About 140 bytes an archived line: 256 KiB holds some 1,800 of the 10,000.
        using var disk = SmallDisk.Mount("256k");
        var archive = Path.Combine(disk.Path, "archive.jsonl");
        var procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllText(procfile, string.Concat(Procs.Select(p => $"{p}: seq 1 {LinesPerProc}\n")));
        // The node waits for the restarted aggregator to acknowledge everything, however long the test machine takes.
        var nodeConfig = Path.Combine(_dir, "node.conf");
        File.WriteAllText(nodeConfig, "chorus.node { drain-timeout = 120s }");

        var (first, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "text", "--archive", archive);
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--spool", Path.Combine(_dir, "spool"), "--config", nodeConfig, "--procfile", procfile);

        Assert.Equal(5, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        first.Dispose();
        Assert.Contains(first.Stderr, l => l.Contains("Cannot write the archive") && l.Contains(archive));
        var archivedAtFailure = File.ReadLines(archive).Count(l => l.StartsWith("{\"type\":\"line\""));

        disk.Resize("64m");
        var (second, _, _) = await ChorusProcess.StartAggregatorOnAsync(join, "--format", "text", "--archive", archive);
        using var _ = second;
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        await second.WaitForStdoutAsync(l => l.EndsWith(" * node-down"), TimeSpan.FromSeconds(30));
        second.Signal(15);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var check = ArchiveCheck.Read(archive, Procs, LinesPerProc);
        var (shown, shownTwice) = ArchiveCheck.Shown(first.Stdout.Concat(second.Stdout));
        output.WriteLine($"archived {archivedAtFailure} lines before the disk filled; in the end {check.Lines} archived, " +
                         $"{check.Duplicates} duplicates, {check.OutOfOrder} out of order; stdout: {shown} shown, {shownTwice} twice");
        output.WriteLine(string.Join('\n', first.Stderr));

        Assert.InRange(archivedAtFailure, 1, Procs.Length * LinesPerProc - 1);
        check.AssertEachLineOnceInOrder(Procs, LinesPerProc);
        Assert.Equal(0, shownTwice);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
