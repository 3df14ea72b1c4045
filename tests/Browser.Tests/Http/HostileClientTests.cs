using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>
/// Clients that attack the HTTP port: garbage and huge WebSocket frames, hundreds of idle connections, a
/// slow-loris, oversized requests. Each must cost the aggregator a bounded amount and leave everyone else
/// served. Every loop here is bounded in count and time, and every socket is closed.
/// </summary>
[Collection(WatchedAggregator.Collection)]
public sealed partial class HostileClientTests(WatchedAggregator watched)
{
    private const int IdleConnections = 2_000;

    // hocon/aggregator.conf: chorus.aggregator.http-limits.request-headers-timeout. Kestrel checks its timeouts
    // once a second, and the answer then has to reach us: allow a few seconds more, never unbounded.
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HeadersTimeoutMargin = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(2);

    private AggregatorProcess Aggregator => watched.Aggregator;

    [Theory]
    [InlineData(1024)]
    [InlineData(10 * 1024 * 1024)]
    public async Task A_client_sending_a_binary_frame_of_any_size_is_closed_while_others_keep_receiving(int frameBytes)
    {
        using var watcher = await WatcherSocket.ConnectAsync(Aggregator, "ws?format=text&proc=web");
        var before = WebLineNumber((await WatcherSocket.ReceiveAsync(watcher, 1))[0]);

        using var hostile = await WatcherSocket.ConnectAsync(Aggregator, "ws?proc=none");
        var garbage = new byte[frameBytes];
        new Random(frameBytes).NextBytes(garbage);
        using var sendTimeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
        // The server stops reading after its first buffer, so a huge frame may never be sent in full: the
        // send runs beside the receive and may fail once the server has closed.
        var sending = hostile.SendAsync(garbage, WebSocketMessageType.Binary, endOfMessage: true, sendTimeout.Token);
        await WatcherSocket.ReceiveCloseAsync(hostile);
        await Ignore(sending);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, hostile.CloseStatus);
        Assert.Contains("this endpoint only sends", hostile.CloseStatusDescription);
        var after = (await WatcherSocket.ReceiveAsync(watcher, 3)).Select(WebLineNumber).ToList();
        Assert.True(after[0] > before, $"web line {before}, then {string.Join(", ", after)}");
        Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
    }

    [Fact]
    public async Task Bytes_that_are_not_websocket_frames_end_the_connection()
    {
        var (client, handshake) = await RawConnection.UpgradeAsync(Aggregator, "ws?proc=none");
        using var _ = client;
        var stream = client.GetStream();
        Assert.StartsWith("HTTP/1.1 101", handshake);

        // 0xFF: all three reserved bits set and an opcode that does not exist; then noise.
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0xFF;
        await Ignore(stream.WriteAsync(garbage).AsTask());

        Assert.True(await RawConnection.ReadsToEndAsync(stream, WatcherSocket.ReadTimeout), "The server kept a connection open after frames it cannot parse.");
        Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
    }

    [Fact]
    public async Task Idle_connections_and_a_slow_loris_do_not_keep_health_from_answering_and_the_loris_is_cut_off()
    {
        var idle = new List<TcpClient>(IdleConnections);
        using var loris = await RawConnection.ConnectAsync(Aggregator);
        try
        {
            for (var i = 0; i < IdleConnections; i++) idle.Add(await RawConnection.ConnectAsync(Aggregator));

            // A request that never ends: one header byte at a time, each well inside any idle timeout.
            var stream = loris.GetStream();
            var started = Stopwatch.StartNew();
            await RawConnection.WriteAsync(stream, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
            var buffer = new byte[1024];
            var reading = stream.ReadAsync(buffer).AsTask();
            var healthAnswered = TimeSpan.Zero;
            var dribbled = 0;
            while (!reading.IsCompleted && started.Elapsed < HeadersTimeout + HeadersTimeoutMargin)
            {
                if (!await RawConnection.TryWriteAsync(stream, "X"u8.ToArray())) break;
                dribbled++;
                if (healthAnswered == TimeSpan.Zero)
                {
                    var asked = Stopwatch.StartNew();
                    Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
                    healthAnswered = asked.Elapsed;
                }
                await Task.WhenAny(reading, Task.Delay(TimeSpan.FromMilliseconds(500)));
            }
            var cutOffAfter = started.Elapsed;

            Assert.True(healthAnswered < Promptly, $"GET /healthz took {healthAnswered.TotalMilliseconds:F0} ms beside {IdleConnections} idle connections and a slow-loris.");
            Assert.True(await RawConnection.ReadsToEndAsync(stream, HeadersTimeoutMargin, reading),
                $"The slow-loris was still connected {cutOffAfter.TotalSeconds:F1} s after its first byte ({dribbled} bytes dribbled).");
            Assert.True(cutOffAfter < HeadersTimeout + HeadersTimeoutMargin,
                $"The slow-loris was cut off after {cutOffAfter.TotalSeconds:F1} s; the headers timeout is {HeadersTimeout.TotalSeconds} s.");
            if (reading.IsCompletedSuccessfully && await reading is > 0 and var answered)
                Assert.StartsWith("HTTP/1.1 408 ", Encoding.ASCII.GetString(buffer, 0, answered));
            Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
        }
        finally
        {
            foreach (var client in idle) client.Dispose();
        }
    }

    [Theory]
    [InlineData("line", HttpStatusCode.RequestUriTooLong)]
    [InlineData("header", HttpStatusCode.RequestHeaderFieldsTooLarge)]
    public async Task An_oversized_request_is_refused_and_the_server_keeps_serving(string oversized, HttpStatusCode expected)
    {
        var huge = new string('a', 64 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Get, oversized == "line" ? $"healthz?pad={huge}" : "healthz");
        if (oversized == "header") request.Headers.Add("X-Pad", huge);

        using var response = await watched.Http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
    }

    private static int WebLineNumber(string frame) =>
        WebLine().Match(frame) is { Success: true } match ? int.Parse(match.Groups[1].Value) : throw new InvalidDataException($"Not a web line: {frame}");

    [GeneratedRegex(@"\| web line (\d+)$")]
    private static partial Regex WebLine();

    /// <summary>Waits for a send that the server may legitimately cut short.</summary>
    private static async Task Ignore(Task sending)
    {
        try
        {
            await sending;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
