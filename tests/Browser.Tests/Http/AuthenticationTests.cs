using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>With a token configured, the stream and the API need it; the page and the health check do not.</summary>
public sealed class AuthenticationTests(GuardedWatchedAggregator guarded) : IClassFixture<GuardedWatchedAggregator>
{
    private HttpClient Http => guarded.Aggregator.Http;

    [Theory]
    [InlineData("/api/nodes")]
    [InlineData("/events")]
    [InlineData("/ws")]
    [InlineData("/metrics")]
    public async Task Without_the_token_the_stream_and_the_api_answer_401_saying_how_to_authenticate(string path)
    {
        using var response = await Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("Authorization: Bearer", text);
        Assert.Contains("?token=", text);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(GuardedAggregator.Token + "x")]
    [InlineData("")]
    public async Task A_wrong_token_is_answered_401(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var byHeader = await Http.SendAsync(request);
        using var byQuery = await Http.GetAsync($"/api/nodes?token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.Unauthorized, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byQuery.StatusCode);
    }

    [Fact]
    public async Task The_token_as_a_bearer_header_or_in_the_query_opens_the_api()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GuardedAggregator.Token);
        using var byHeader = await Http.SendAsync(request);
        using var byQuery = await Http.GetAsync($"/api/nodes?token={Uri.EscapeDataString(GuardedAggregator.Token)}");

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Contains(WatchedAggregator.Node, await byHeader.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_websocket_with_the_token_in_the_query_receives_lines()
    {
        using var ws = new ClientWebSocket();
        var url = new UriBuilder(guarded.Aggregator.Url) { Scheme = "ws", Path = "/ws", Query = $"token={Uri.EscapeDataString(GuardedAggregator.Token)}" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await ws.ConnectAsync(url, timeout.Token);

        var buffer = new byte[64 * 1024];
        var frame = await ws.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(WebSocketMessageType.Text, frame.MessageType);
    }

    [Fact]
    public async Task The_page_and_its_assets_stay_public_and_healthz_says_only_ok()
    {
        foreach (var path in new[] { "/", "/app.js", "/app.css" })
        {
            using var response = await Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal("ok\n", await Http.GetStringAsync("/healthz"));
    }
}
