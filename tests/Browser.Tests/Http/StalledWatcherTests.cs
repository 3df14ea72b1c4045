using System.Diagnostics;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>
/// A WebSocket client that stops in the middle of a frame never answers the server's pings: it is closed
/// after the keep-alive timeout instead of holding its slot until TCP gives up, while a client that keeps
/// answering stays connected. Runs its own aggregator with short keep-alive settings from --config.
/// </summary>
public sealed class StalledWatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PongWithin = TimeSpan.FromSeconds(2);
    // Kestrel checks its timers about once a second; the close then has to reach us.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private readonly string _config = Path.GetTempFileName();
    private AggregatorProcess? _aggregator;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_config,
            $"chorus.aggregator.websocket {{ keep-alive-interval = {PingEvery.TotalSeconds}s, keep-alive-timeout = {PongWithin.TotalSeconds}s }}\n");
        _aggregator = await AggregatorProcess.StartAsync(WatchedAggregator.Procfile, WatchedAggregator.Node, "--config", _config);
    }

    [Fact]
    public async Task A_client_stalled_mid_frame_is_closed_after_the_keep_alive_timeout_and_a_responsive_one_is_not()
    {
        var aggregator = _aggregator!;
        using var healthy = await WatcherSocket.ConnectAsync(aggregator, "ws?format=text&proc=web");
        // Receiving is what answers pings: this client keeps doing it, for well past the timeout.
        var healthyFrames = WatcherSocket.ReceiveAsync(healthy, 80);

        var (stalled, handshake) = await RawConnection.UpgradeAsync(aggregator, "ws?proc=none");
        using var _ = stalled;
        Assert.StartsWith("HTTP/1.1 101", handshake);
        // A masked text frame announcing 1000 bytes, of which 10 are sent; then nothing more, ever.
        byte[] partialFrame = [0x81, 0x80 | 126, 0x03, 0xE8, 1, 2, 3, 4, .. new byte[10]];
        Assert.True(await RawConnection.TryWriteAsync(stalled.GetStream(), partialFrame));
        var since = Stopwatch.StartNew();

        Assert.True(await RawConnection.ReadsToEndAsync(stalled.GetStream(), PingEvery + PongWithin + Margin),
            $"The stalled client was still connected {since.Elapsed.TotalSeconds:F1} s after it stopped mid-frame.");
        var cutAfter = since.Elapsed;
        Assert.Equal(80, (await healthyFrames).Count);
        Assert.True(since.Elapsed > PingEvery + PongWithin,
            $"The responsive client was only watched for {since.Elapsed.TotalSeconds:F1} s; it must outlive the keep-alive timeout to show it is not cut.");
        Assert.Equal("ok\n", await aggregator.Http.GetStringAsync("healthz"));
        Assert.InRange(cutAfter, TimeSpan.Zero, PingEvery + PongWithin + Margin);
    }

    public async Task DisposeAsync()
    {
        if (_aggregator is not null) await _aggregator.DisposeAsync();
        File.Delete(_config);
    }
}
