using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// The whole path with real executables as separate OS processes: one aggregator, two nodes, each node
/// running two processes that print numbered lines on stdout and stderr. The aggregator's stdout (JSON) and
/// a WebSocket client are read at the same time.
/// </summary>
public sealed class AggregatorWithTwoNodesTests : IDisposable
{
    private const int LinesPerStream = 2000;
    private static readonly string[] Nodes = ["n1", "n2"];
    private static readonly string[] Procs = ["alpha", "beta"];
    private readonly string _procfile = Path.GetTempFileName();

    public AggregatorWithTwoNodesTests()
    {
        var counter = $"i=1; while [ $i -le {LinesPerStream} ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done";
        File.WriteAllText(_procfile, $"alpha: {counter}\nbeta: {counter}\n");
    }

    [Fact]
    public async Task Every_line_arrives_exactly_once_in_order_on_stdout_and_on_the_websocket()
    {
        var (aggregator, join, http) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        using var _ = aggregator;
        await using var ws = await WebSocketRecorder.ConnectAsync(http);

        var nodes = Nodes.Select(n => ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", n, "--listen", "127.0.0.1:0", "--procfile", _procfile)).ToList();
        foreach (var node in nodes)
        {
            using (node) Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        // Both nodes have left once their node-down is out; then everything before it is out too.
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"n2\""));
        await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"n1\""));
        await Eventually.True(() => ws.Frames.Count(f => f.Contains("\"node-down\"")) == 2, TimeSpan.FromSeconds(30));
        aggregator.Signal(15); // SIGTERM: a shell starts background jobs with SIGINT ignored
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        AssertCompleteAndOrdered(aggregator.Stdout, "stdout");
        AssertCompleteAndOrdered(ws.Frames, "websocket");
    }

    private static void AssertCompleteAndOrdered(IEnumerable<string> output, string where)
    {
        var records = output.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var lines = records.Where(r => r.GetProperty("type").GetString() == "line").ToList();
        Assert.True(lines.Count == Nodes.Length * Procs.Length * 2 * LinesPerStream, $"{where}: {lines.Count} lines");

        foreach (var node in Nodes)
        foreach (var proc in Procs)
        {
            var mine = lines.Where(l => l.GetProperty("node").GetString() == node && l.GetProperty("proc").GetString() == proc).ToList();
            // One counter for both streams: seq runs 1..N once, in order.
            Assert.Equal(Enumerable.Range(1, 2 * LinesPerStream).Select(i => (long)i), mine.Select(l => l.GetProperty("seq").GetInt64()));
            foreach (var (stream, prefix) in new[] { ("stdout", "out"), ("stderr", "err") })
            {
                var texts = mine.Where(l => l.GetProperty("stream").GetString() == stream).Select(l => l.GetProperty("text").GetString());
                Assert.Equal(Enumerable.Range(1, LinesPerStream).Select(i => $"{prefix} {i}"), texts);
            }
            Assert.Single(records, r => Is(r, "started", node, proc) && r.GetProperty("pid").GetInt32() > 0);
            Assert.Single(records, r => Is(r, "exited", node, proc) && r.GetProperty("code").GetInt32() == 0);
            var exited = records.FindIndex(r => Is(r, "exited", node, proc));
            Assert.True(records.FindLastIndex(r => r.GetProperty("type").GetString() == "line" && Is(r, null, node, proc)) < exited, $"{where}: exited follows the last line");
        }
        foreach (var node in Nodes)
        {
            Assert.Single(records, r => Is(r, "node-up", node, null));
            Assert.Single(records, r => Is(r, "node-down", node, null));
        }
    }

    private static bool Is(JsonElement record, string? @event, string node, string? proc) =>
        (@event is null || (record.TryGetProperty("event", out var e) && e.GetString() == @event))
        && record.GetProperty("node").GetString() == node
        && (proc is null || (record.TryGetProperty("proc", out var p) && p.GetString() == proc));


    public void Dispose() => File.Delete(_procfile);
}
