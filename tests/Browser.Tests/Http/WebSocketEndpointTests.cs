using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

[Collection(WatchedAggregator.Collection)]
public sealed class WebSocketEndpointTests(WatchedAggregator watched)
{
    [Fact]
    public async Task Proc_and_stream_filters_apply_to_the_websocket_too()
    {
        using var socket = await Connect("ws?proc=worker&stream=stderr&backlog=5");

        var frames = await Receive(socket, 8);

        var lines = frames.Select(f => JsonNode.Parse(f)!).Where(j => (string?)j["type"] == "line").ToArray();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal("worker", (string?)line["proc"]);
            Assert.Equal("stderr", (string?)line["stream"]);
        });
    }

    [Fact]
    public async Task Grep_applies_to_the_text_format_too()
    {
        using var socket = await Connect($"ws?format=text&backlog=3&proc=web&grep={Uri.EscapeDataString(@"line \d+")}");

        // Events pass grep (it is about line text): right after start, node-up and web's start may come first.
        var frames = await Receive(socket, 6);
        var lines = frames.Where(f => !f.Contains(" * ")).ToList();

        Assert.True(lines.Count >= 4, string.Join('\n', frames));
        Assert.All(lines, frame => Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} alpha/web +\| web line \d+$", frame));
    }

    [Fact]
    public async Task A_client_that_sends_data_is_closed_with_a_reason()
    {
        using var socket = await Connect("ws?proc=none");

        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await WatcherSocket.ReceiveCloseAsync(socket);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains("filters go in the URL query", socket.CloseStatusDescription);
    }

    private Task<ClientWebSocket> Connect(string pathAndQuery) => WatcherSocket.ConnectAsync(watched.Aggregator, pathAndQuery);

    private static Task<IReadOnlyList<string>> Receive(WebSocket socket, int count) => WatcherSocket.ReceiveAsync(socket, count);
}
