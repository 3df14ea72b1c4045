using System.Text.Json.Nodes;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>
/// A watcher that stops reading while a burst flows, then reads, must get the lines that fit and then a
/// gap counting the rest, even though nothing more comes after the burst. Runs its own aggregator with a
/// small client buffer (from --config), and lines long enough to fill the sockets' buffers quickly.
/// </summary>
public sealed class SlowWatcherGapTests : IAsyncLifetime
{
    private const int Sent = 20_000; // of 1,000 bytes: 20 MB, far past the kernel's socket buffers and the client buffer
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-gap-").FullName;
    private AggregatorProcess? _aggregator;

    private AggregatorProcess Aggregator => _aggregator!;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_directory, "small-buffer.conf");
        await File.WriteAllTextAsync(config, "chorus.aggregator.client-buffer = 1000\n");
        _aggregator = await AggregatorProcess.StartAsync($"""
            wsburst: {Burst("ws")}
            sseburst: {Burst("sse")}
            """, "alpha", "--config", config);
    }

    [Fact]
    public async Task A_websocket_client_that_stops_reading_during_a_burst_gets_lines_then_a_gap_that_adds_up_to_what_was_sent()
    {
        using var socket = await WatcherSocket.ConnectAsync(Aggregator, "ws?proc=wsburst");
        await StartBurstAndWaitUntilPublished("ws", "wsburst");

        var tally = new Tally();
        using var timeout = new CancellationTokenSource(Bound);
        while (tally.Total < Sent && !timeout.IsCancellationRequested)
        {
            var frame = await ReceiveOrNull(socket, timeout.Token);
            if (frame is null) break;
            tally.Add(JsonNode.Parse(frame)!);
        }

        tally.AssertAddsUpTo(Sent);
    }

    [Fact]
    public async Task An_events_client_that_stops_reading_during_a_burst_gets_lines_then_a_gap_that_adds_up_to_what_was_sent()
    {
        await using var events = await EventStream.OpenAsync(Aggregator.Http, "events?proc=sseburst");
        await StartBurstAndWaitUntilPublished("sse", "sseburst");

        var tally = new Tally();
        try
        {
            while (tally.Total < Sent) tally.Add((await events.NextAsync()).Json);
        }
        catch (OperationCanceledException)
        {
            // Nothing more came within the read timeout: the assertion below says what was missing.
        }

        tally.AssertAddsUpTo(Sent);
    }

    private string Burst(string name) =>
        $"while [ ! -e {_directory}/{name} ]; do sleep 0.05; done; " +
        $"awk 'BEGIN {{ for (i = 1; i <= {Sent}; i++) printf \"%d %0990d\\n\", i, 0 }}'; exec sleep 1000";

    /// <summary>Starts the burst, and returns once the aggregator has published every line of it (the watcher has read none).</summary>
    private async Task StartBurstAndWaitUntilPublished(string trigger, string proc)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, trigger), "");
        var deadline = DateTime.UtcNow + Bound;
        while (await LinesOf(proc) < Sent)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{proc}: the aggregator did not publish {Sent} lines within {Bound}.\n{Aggregator.Stderr}");
            await Task.Delay(50); // polling period
        }
    }

    private async Task<long> LinesOf(string proc)
    {
        var body = JsonNode.Parse(await Aggregator.Http.GetStringAsync("api/nodes"))!;
        return body["nodes"]!.AsArray()
            .SelectMany(n => n!["processes"]!.AsArray())
            .Where(p => (string?)p!["proc"] == proc)
            .Sum(p => (long?)p!["lines"] ?? 0);
    }

    private static async Task<string?> ReceiveOrNull(System.Net.WebSockets.WebSocket socket, CancellationToken cancel)
    {
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            wait.CancelAfter(WatcherSocket.ReadTimeout);
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            System.Net.WebSockets.WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, wait.Token);
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            return System.Text.Encoding.UTF8.GetString(message.ToArray());
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Lines received, in order, and the records gap events say were missed.</summary>
    private sealed class Tally
    {
        private long _lastSeq;
        public long Lines { get; private set; }
        public long Missed { get; private set; }
        public int Gaps { get; private set; }
        public long Total => Lines + Missed;

        public void Add(JsonNode record)
        {
            if ((string?)record["type"] == "line")
            {
                var seq = (long)record["seq"]!;
                Assert.True(seq > _lastSeq, $"line {seq} after line {_lastSeq}");
                _lastSeq = seq;
                Lines++;
            }
            else if ((string?)record["event"] == "gap")
            {
                Assert.Equal("slow-client", (string?)record["reason"]);
                Missed += (long)record["count"]!;
                Gaps++;
            }
        }

        public void AssertAddsUpTo(int sent)
        {
            Assert.True(Total == sent, $"{Lines} lines and {Missed} missed in {Gaps} gap events; {sent} were sent.");
            Assert.True(Gaps >= 1, $"all {Lines} lines arrived: the watcher never fell behind, so the test proves nothing.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_aggregator is not null) await _aggregator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
