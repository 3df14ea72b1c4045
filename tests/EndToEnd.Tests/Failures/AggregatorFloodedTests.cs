using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// A node floods an aggregator whose stdout nobody reads (a paused terminal, a stuck pipe): the aggregator
/// holds no more than its bound, backpressure reaches the node, which spools to disk; once stdout is read
/// again every line arrives exactly once, in order.
/// </summary>
public sealed class AggregatorFloodedTests(ITestOutputHelper output) : IDisposable
{
    // 150 MB of text: more than the node keeps in memory (64 MiB) and the aggregator holds (32 MiB)
    // together, so the rest must go to the node's spool. Long lines keep the line count, and the test's
    // own work, small.
    private const int Lines = 150_000;
    private const int LineBytes = 1000;
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(6);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-flood-");

    [Fact]
    public async Task Unread_stdout_bounds_the_aggregator_and_the_node_spools_then_every_line_arrives_once_in_order()
    {
        var spool = Path.Combine(_dir.FullName, "spool");
        var finished = Path.Combine(_dir.FullName, "finished");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorWithStdoutHeldAsync();
        using var _ = aggregator;
        await using var aggregatorMemory = new PeakMemory(aggregator.Pid);
        // The writer stays alive until the test has every line: a node whose processes are done waits only
        // drain-timeout (10 s) for its last acknowledgements, and this one must wait for the reader.
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "flood", "--listen", "127.0.0.1:0", "--spool", spool,
            "--", "sh", "-c", $"seq -f %0{LineBytes}.0f 1 {Lines}; while [ ! -e {finished} ]; do sleep 0.1; done");

        await Eventually.True(() => SpooledBytes(spool) > 0, TimeSpan.FromSeconds(60));
        var spooled = SpooledBytes(spool);
        // The fault lasts this long: past the node's link timeout (5 s) and its resend timer (2 s), so a
        // re-join, a node-down or resends that piled up in the aggregator would show.
        await Task.Delay(Held);
        var heldPeak = aggregatorMemory.PeakBytes;

        aggregator.ReadStdout();
        await aggregator.WaitForStdoutAsync(l => l.EndsWith($"| {Lines.ToString().PadLeft(LineBytes, '0')}"), TimeSpan.FromSeconds(120));
        File.Create(finished).Dispose();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var stdout = aggregator.Stdout.ToList();
        var numbers = stdout.Where(l => l.Contains(" | ")).Select(l => long.Parse(l[(l.IndexOf(" | ") + 3)..])).ToList();
        output.WriteLine($"{numbers.Count} lines received; {spooled / 1048576} MiB spooled when first seen; aggregator peak RSS " +
                         $"{heldPeak / 1048576} MiB while stdout was held, {aggregatorMemory.PeakBytes / 1048576} MiB overall; node said:\n{string.Join('\n', node.Stderr)}");
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => (long)i), numbers);
        // Held back, never taken for gone: up once, down only when it left after its last line.
        Assert.Single(stdout, l => l.EndsWith("node-up"));
        Assert.True(stdout.FindIndex(l => l.EndsWith("node-down")) > stdout.FindLastIndex(l => l.Contains(" | ")), "node-down before the last line");
        Assert.DoesNotContain(node.Stderr, l => l.Contains("re-joining"));
        // Measured: 173-177 MiB held (the runtime, Akka, Kestrel, and 32 MiB of text); without the bound the
        // aggregator took in all 150 MB and reached 330 MiB, and the node spooled nothing.
        Assert.InRange(heldPeak, 1, 256L * 1024 * 1024);
        Assert.Equal(0, SpooledBytes(spool));
    }

    private static long SpooledBytes(string spool) =>
        Directory.Exists(spool) ? new DirectoryInfo(spool).EnumerateFiles().Sum(f => f.Length) : 0;

    public void Dispose() => _dir.Delete(recursive: true);
}
