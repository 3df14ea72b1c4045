using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>
/// DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 could read an
/// aggregator without a token, as same-origin. Its requests still carry Host: evil.example, so without a
/// token only requests naming loopback, localhost or the bound address are answered. Raw requests, since an
/// HTTP client library sets Host from the URL.
/// </summary>
[Collection(WatchedAggregator.Collection)]
public sealed class HostHeaderTests(WatchedAggregator watched)
{
    private const string Upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

    [Theory]
    [InlineData("/", "")]
    [InlineData("/app.js", "")]
    [InlineData("/healthz", "")]
    [InlineData("/api/nodes", "")]
    [InlineData("/events", "")]
    [InlineData("/ws", Upgrade)]
    [InlineData("/no-such-path", "")]
    public async Task Without_a_token_a_request_for_another_host_is_answered_403_saying_why(string path, string headers)
    {
        var answer = await Request(watched.Aggregator, path, "evil.example", headers);

        Assert.StartsWith("HTTP/1.1 403", answer);
        Assert.Contains("Host \"evil.example\"", answer);
        Assert.Contains("--token-file", answer);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost:{port}")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("127.1.2.3")]
    [InlineData("[::1]:{port}")]
    public async Task Without_a_token_a_request_for_loopback_or_localhost_is_answered(string host)
    {
        var answer = await Request(watched.Aggregator, "/healthz", host.Replace("{port}", watched.Aggregator.Url.Port.ToString()), "");

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("\r\n\r\n", answer);
        Assert.Contains("ok\n", answer);
    }

    /// <summary>One request on its own connection; the whole answer, which must end within a few seconds.</summary>
    public static async Task<string> Request(AggregatorProcess aggregator, string path, string host, string headers)
    {
        using var client = await RawConnection.ConnectAsync(aggregator);
        var stream = client.GetStream();
        await RawConnection.WriteAsync(stream, $"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n");
        using var timeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}

/// <summary>With a token, the token guards the port, whatever the Host header says.</summary>
public sealed class HostHeaderWithTokenTests(GuardedWatchedAggregator guarded) : IClassFixture<GuardedWatchedAggregator>
{
    [Fact]
    public async Task With_a_token_a_request_for_another_host_is_answered_as_usual()
    {
        var health = await HostHeaderTests.Request(guarded.Aggregator, "/healthz", "evil.example", "");
        var api = await HostHeaderTests.Request(guarded.Aggregator, "/api/nodes", "evil.example", "");

        Assert.StartsWith("HTTP/1.1 200", health);
        Assert.StartsWith("HTTP/1.1 401", api); // the token's rule, not the Host rule
    }
}
