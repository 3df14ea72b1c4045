using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Control;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages.Control;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>
/// POST /api/actions on the aggregator's real Kestrel, with its control plane and a node played over real remoting
/// (<see cref="FakeNode"/>, answering as a node would): every status the endpoint answers, and who may act.
/// </summary>
public sealed class ActionsEndpointTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Token = "full-token";
    private const string WatchToken = "watch-token";
    private readonly FleetDirectory _directory = new();
    private readonly FakeNode _node;
    private readonly HttpClient _http = new();
    private readonly FleetControl _control;
    private readonly AggregatorSettings _settings = TestSettings.Aggregator("chorus.aggregator { http = \"127.0.0.1:0\", control-timeout = 2s }");
    private readonly StateDirectory _state = new();
    private WebApplication? _web;
    private Uri _base = null!;

    public ActionsEndpointTests() : base(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
    {
        var merge = Sys.ActorOf(MergeActor.Props([CreateTestProbe().Ref], _settings), "merge");
        var controlActor = Sys.ActorOf(ControlActor.Props(_directory, _settings.ControlTimeout), "control");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), TestSettings.NothingPending(), _settings, token: null, controlActor), "ingest");
        _control = new FleetControl(controlActor, TimeSpan.FromSeconds(20));
        _node = new FakeNode("n1", ((ExtendedActorSystem)Sys).Provider.DefaultAddress);
    }

    public async Task InitializeAsync()
    {
        await _node.JoinAsync();
        _node.SendTable(FakeNode.Info("web"), FakeNode.Info("worker"));
        await AwaitConditionAsync(() => Task.FromResult(_directory.Of("n1").Count == 2), TimeSpan.FromSeconds(10));
        var (feed, board) = (new LiveFeed(_settings.BacklogCapacity, DateTime.UtcNow), new StatusBoard());
        var services = new HttpServices(feed, board, _directory, _control, new ChorusMetrics(TestSettings.NothingPending(), feed, board, Sys, TimeSpan.FromSeconds(5)),
            new TaskQueue(CreateTestProbe().Ref, _state.Open(), TimeSpan.FromSeconds(5)));
        var (web, bound) = await HttpServer.StartAsync(services, _settings, AccessToken.From(Token, "test"), watchToken: AccessToken.From(WatchToken, "test"));
        _web = web;
        _base = new Uri($"http://{bound}/");
    }

    [Fact]
    public async Task An_action_answers_200_with_one_result_per_process()
    {
        var answering = AnswerAsNode(ActionResult.Ok, "restarted");
        var (status, body) = await Post("{\"verb\": \"restart\", \"select\": \"web\"}");
        await answering;

        Assert.Equal(HttpStatusCode.OK, status);
        var result = Assert.Single(body.GetProperty("results").EnumerateArray());
        Assert.Equal(("n1", "web", "ok", "restarted"),
            (result.GetProperty("node").GetString(), result.GetProperty("proc").GetString(), result.GetProperty("outcome").GetString(), result.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task An_action_from_the_servers_own_origin_is_taken()
    {
        var answering = AnswerAsNode(ActionResult.Ok, "restarted");
        var (status, _) = await Post("{\"verb\": \"restart\", \"select\": \"web\"}", origin: _base.GetLeftPart(UriPartial.Authority));
        await answering;
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_selector_that_matches_nothing_answers_404_that_says_so()
    {
        var (status, body) = await Post("{\"verb\": \"stop\", \"select\": \"node:elsewhere\"}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("matches no process", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{\"verb\": ", "not JSON")]
    [InlineData("[1]", "JSON object")]
    [InlineData("{\"verb\": \"reboot\", \"select\": \"web\"}", "is not a verb")]
    [InlineData("{\"select\": \"web\"}", "\\\"verb\\\" is missing")]
    [InlineData("{\"verb\": \"restart\"}", "\\\"select\\\" is missing")]
    [InlineData("{\"verb\": \"restart\", \"select\": \"group:\"}", "group:")]
    [InlineData("{\"verb\": \"signal\", \"select\": \"web\"}", "signal needs")]
    [InlineData("{\"verb\": \"signal\", \"select\": \"web\", \"signal\": \"NOPE\"}", "not a signal")]
    [InlineData("{\"verb\": \"scale\", \"select\": \"web\", \"replicas\": -1}", "scale needs")]
    [InlineData("{\"verb\": \"scale\", \"select\": \"web\", \"replicas\": 101}", "0 to 100")]
    [InlineData("{\"verb\": \"scale\", \"select\": \"web\", \"replicas\": 1000000000}", "0 to 100")]
    [InlineData("{\"verb\": \"input\", \"select\": \"web\", \"text\": \"a\\nb\"}", "line break")]
    [InlineData("{\"verb\": \"restart\", \"select\": \"web\", \"signal\": \"HUP\"}", "takes no")]
    [InlineData("{\"verb\": \"restart\", \"selct\": \"web\"}", "Unknown field")]
    [InlineData("{\"verb\": \"input\", \"select\": \"web\", \"text\": \"\\ud800\"}", "not text")]
    [InlineData("{\"verb\": \"restart\", \"select\": \"web\\udc00\"}", "not text")]
    [InlineData("{\"verb\": \"restart\", \"select\": \"web\", \"select\": \"all\"}", "not JSON")]
    public async Task A_bad_body_verb_selector_or_argument_answers_400_with_the_fix(string json, string expected)
    {
        var (status, body) = await Post(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected.Replace("\\\"", "\""), body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_with_bytes_that_are_not_UTF_8_answers_400_not_500()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, ActionsEndpoint.Path))
        {
            Content = new ByteArrayContent([.. "{\"verb\": \"restart\", \"select\": \"web"u8, 0xFF, .. "\"}"u8]),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not text", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_answers_413()
    {
        var json = $"{{\"verb\": \"input\", \"select\": \"web\", \"text\": \"{new string('x', ActionsEndpoint.MaxBodyBytes)}\"}}";
        var (status, body) = await Post(json);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("64 KiB", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_body_just_under_64_KiB_is_read()
    {
        // Far beyond the server-wide limit (4 KiB): the endpoint raised it for itself. A bad selector, so no node is asked.
        var json = $"{{\"verb\": \"restart\", \"select\": \"group:\", \"pad\": \"{new string('x', 60 * 1024)}\"}}";
        var (status, _) = await Post(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task A_body_without_the_JSON_content_type_answers_415()
    {
        var (status, body) = await Post("{\"verb\": \"restart\", \"select\": \"web\"}", contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("Content-Type: application/json", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_page_of_another_origin_gets_403_and_nothing_is_done()
    {
        var (status, body) = await Post("{\"verb\": \"stop\", \"select\": \"all\"}", origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("another origin", body.GetProperty("error").GetString());
        await _node.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Without_the_token_an_action_answers_401_and_with_the_watch_token_403()
    {
        var (none, _) = await Post("{\"verb\": \"stop\", \"select\": \"all\"}", token: null);
        var (watch, _) = await Post("{\"verb\": \"stop\", \"select\": \"all\"}", token: WatchToken);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (none, watch));
        await _node.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // The watch token watches: /api/nodes is open to it; /attach (acting) is not.
        using var nodes = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "/api/nodes"));
        nodes.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WatchToken);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(nodes)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.GetAsync(new Uri(_base, $"/attach?select=web&token={WatchToken}"))).StatusCode);
    }

    private async Task AnswerAsNode(string outcome, string message)
    {
        var request = await _node.ExpectRequestAsync();
        _node.Reply(request.Id, new ActionResult(request.Selector, outcome, message));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string json, string contentType = "application/json", string? origin = null, string? token = Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, ActionsEndpoint.Path))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public async Task DisposeAsync()
    {
        if (_web is not null) await _web.StopAsync();
        _http.Dispose();
        _node.Dispose();
        _state.Dispose();
    }
}
