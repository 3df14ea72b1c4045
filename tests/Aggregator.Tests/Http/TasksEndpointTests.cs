using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Akka.TestKit;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>
/// The task API on the aggregator's real Kestrel, with the real queue actor and store (the control plane a probe that
/// never answers, so a started task stays running): every status it answers, and who may act.
/// </summary>
public sealed class TasksEndpointTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Token = "full-token";
    private const string WatchToken = "watch-token";
    private readonly StateDirectory _state = new();
    private readonly HttpClient _http = new();
    private readonly TestProbe _control;
    private TaskStore _store = null!;
    private WebApplication? _web;
    private Uri _base = null!;

    public TasksEndpointTests() => _control = CreateTestProbe();

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator.http = \"127.0.0.1:0\"");
        _store = _state.Open();
        var fleet = new FleetControl(_control.Ref, TimeSpan.FromSeconds(30));
        var queue = Sys.ActorOf(TaskQueueActor.Props(_store, fleet, CreateTestProbe().Ref));
        var (feed, board) = (new LiveFeed(settings.BacklogCapacity, DateTime.UtcNow), new StatusBoard());
        var services = new HttpServices(feed, board, new FleetDirectory(), fleet, new ChorusMetrics(TestSettings.NothingPending(), feed, board, Sys, TimeSpan.FromSeconds(5)),
            new TaskQueue(queue, _store, TimeSpan.FromSeconds(10)));
        var (web, bound) = await HttpServer.StartAsync(services, settings, AccessToken.From(Token, "test"), watchToken: AccessToken.From(WatchToken, "test"));
        _web = web;
        _base = new Uri($"http://{bound}/");
    }

    [Fact]
    public async Task A_task_is_queued_with_201_its_place_and_every_field_and_is_listed_and_shown()
    {
        var (status, body, response) = await Send(HttpMethod.Post, "/api/tasks",
            """{"command": ["echo", "a b"], "on": "node:n*", "group": "builds", "timeout": "30s", "fold": true, "fold_window_ms": 150}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("/api/tasks/t1", response.Headers.Location?.ToString());
        Assert.Equal(("t1", "task-t1", "node:n*", "builds", 30000, true, 150),
            (body.GetProperty("id").GetString(), body.GetProperty("proc").GetString(), body.GetProperty("on").GetString(), body.GetProperty("group").GetString(),
             body.GetProperty("timeout_ms").GetInt32(), body.GetProperty("fold").GetBoolean(), body.GetProperty("fold_window_ms").GetInt32()));
        Assert.Equal("queued", body.GetProperty("state").GetString());
        Assert.Equal(["echo", "a b"], body.GetProperty("command").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("exit_code").ValueKind);

        var (listed, list, _) = await Send(HttpMethod.Get, "/api/tasks", token: WatchToken);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(["t1"], list.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var (shown, one, _) = await Send(HttpMethod.Get, "/api/tasks/t1", token: WatchToken);
        Assert.Equal((HttpStatusCode.OK, "t1"), (shown, one.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/tasks/t2")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/tasks/nonsense")).Status);
    }

    [Theory]
    [InlineData("{\"command\": ", "not JSON")]
    [InlineData("[\"echo\"]", "JSON object")]
    [InlineData("{}", "\"command\" is missing")]
    [InlineData("{\"command\": []}", "at least a program")]
    [InlineData("{\"command\": \"echo hi\"}", "array of strings")]
    [InlineData("{\"command\": [\"echo\"], \"on\": \"web\"}", "--on selects nodes")]
    [InlineData("{\"command\": [\"echo\"], \"on\": \"node:\"}", "node:")]
    [InlineData("{\"command\": [\"echo\"], \"group\": \"a b\"}", "not a group name")]
    [InlineData("{\"command\": [\"echo\"], \"after\": [\"x1\"]}", "not a task id")]
    [InlineData("{\"command\": [\"echo\"], \"after\": [\"t9\"]}", "there is no task t9")]
    [InlineData("{\"command\": [\"echo\"], \"timeout\": \"30\"}", "has no unit")]
    [InlineData("{\"command\": [\"echo\"], \"timeout\": \"soon\"}", "not a duration")]
    [InlineData("{\"command\": [\"echo\"], \"fold\": \"yes\"}", "true or false")]
    [InlineData("{\"command\": [\"echo\"], \"fold_window_ms\": 0}", "1 to 60000")]
    [InlineData("{\"command\": [\"echo\"], \"comand\": [\"echo\"]}", "Unknown field")]
    [InlineData("{\"command\": [\"echo\"], \"on\": \"all\", \"on\": \"node:x\"}", "not JSON")]
    public async Task A_bad_task_body_answers_400_with_the_fix_and_queues_nothing(string json, string expected)
    {
        var (status, body, _) = await Send(HttpMethod.Post, "/api/tasks", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString());
        Assert.Empty(_store.Tasks());
    }

    // Found by the tasks adversary: 60000 quotes fit the 64 KiB body, but quoted for /bin/sh ('\'' each) the RunTask is 240 KB,
    // which remoting discards (frames are at most 128000 bytes): the node "did not answer" 10 s later, as if it were down.
    [Fact]
    public async Task A_command_too_long_to_send_to_a_node_once_quoted_answers_400_and_queues_nothing()
    {
        var json = $$"""{"command": ["echo", "{{new string('\'', 60_000)}}"]}""";

        var (status, body, _) = await Send(HttpMethod.Post, "/api/tasks", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("100000 bytes", body.GetProperty("error").GetString());
        Assert.Empty(_store.Tasks());
    }

    [Fact]
    public async Task Cancel_answers_200_then_409_once_it_is_over_and_404_for_no_task()
    {
        await Send(HttpMethod.Post, "/api/tasks", """{"command": ["sleep", "60"], "group": "one"}""");
        await _control.ExpectMsgAsync<RunOn>();
        await Send(HttpMethod.Post, "/api/tasks", """{"command": ["sleep", "60"], "group": "one"}""");

        var (status, body, _) = await Send(HttpMethod.Post, "/api/tasks/t2/cancel");
        Assert.Equal((HttpStatusCode.OK, "cancelled", 130), (status, body.GetProperty("state").GetString(), body.GetProperty("exit_code").GetInt32()));
        var (again, error, _) = await Send(HttpMethod.Post, "/api/tasks/t2/cancel");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("already over", error.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Post, "/api/tasks/t9/cancel")).Status);
    }

    [Fact]
    public async Task Logs_replay_what_the_task_printed_as_JSON_lines_or_text()
    {
        await Send(HttpMethod.Post, "/api/tasks", """{"command": ["uname"]}""");
        var at = new DateTime(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
        _store.AddLines([
            new OutputItem("n1", NodeRecord.Line("task-t1", OutputStream.Stdout, 1, at, "Linux \"6.1\""u8.ToArray(), false)),
            new OutputItem("n2", NodeRecord.Line("task-t1", OutputStream.Stderr, 1, at, "oops"u8.ToArray(), false)),
        ]);

        var json = await Get("/api/tasks/t1/logs", WatchToken);
        Assert.Equal("application/x-ndjson", json.Content.Headers.ContentType?.MediaType);
        var lines = (await json.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([("n1", "stdout", "Linux \"6.1\""), ("n2", "stderr", "oops")],
            lines.Select(l => (l.GetProperty("node").GetString(), l.GetProperty("stream").GetString(), l.GetProperty("text").GetString())));
        Assert.All(lines, l => Assert.Equal("task-t1", l.GetProperty("proc").GetString()));

        var text = await (await Get("/api/tasks/t1/logs?format=text", WatchToken)).Content.ReadAsStringAsync();
        Assert.Contains("n1/task-t1 | Linux \"6.1\"", text);
        Assert.Contains("n2/task-t1 ! oops", text);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/api/tasks/t2/logs", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/api/tasks/t1/logs?format=xml", Token)).StatusCode);
    }

    [Fact]
    public async Task A_group_is_set_with_put_and_listed_with_the_default_group()
    {
        var (status, body, _) = await Send(HttpMethod.Put, "/api/groups/builds", """{"parallel": 2, "per_node": 1}""");
        Assert.Equal((HttpStatusCode.OK, "builds", 2, 1),
            (status, body.GetProperty("name").GetString(), body.GetProperty("parallel").GetInt32(), body.GetProperty("per_node").GetInt32()));

        var (listed, list, _) = await Send(HttpMethod.Get, "/api/groups", token: WatchToken);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(["builds:2", "default:"], list.GetProperty("groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("name").GetString()}:{(g.GetProperty("parallel").ValueKind == JsonValueKind.Null ? "" : g.GetProperty("parallel").GetInt32())}"));
    }

    [Theory]
    [InlineData("builds", "{\"parallel\": 0}", "1 to 10000")]
    [InlineData("builds", "{\"per_node\": 1}", "\"parallel\" is missing")]
    [InlineData("builds", "{\"parallel\": 1, \"max\": 2}", "Unknown field")]
    [InlineData("a%20b", "{\"parallel\": 1}", "not a group name")]
    public async Task A_bad_group_answers_400_with_the_fix(string name, string json, string expected)
    {
        var (status, body, _) = await Send(HttpMethod.Put, $"/api/groups/{name}", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Acting_needs_the_full_token_JSON_a_small_body_and_this_origin()
    {
        var task = """{"command": ["echo"]}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, "/api/tasks", task, token: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/tasks", token: null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/api/tasks", task, token: WatchToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, "/api/groups/g", """{"parallel": 1}""", token: WatchToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/api/tasks/t1/cancel", token: WatchToken)).Status);
        var (foreign, error, _) = await Send(HttpMethod.Post, "/api/tasks", task, origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Contains("another origin", error.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/api/tasks/t1/cancel", origin: "http://evil.example")).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Send(HttpMethod.Post, "/api/tasks", task, contentType: "text/plain")).Status);
        Assert.Empty(_store.Tasks());
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, "/api/tasks", task, origin: _base.GetLeftPart(UriPartial.Authority))).Status);
        // Last: the server closes the connection rather than read the rest of a body too large.
        var (large, tooLarge, _) = await Send(HttpMethod.Post, "/api/tasks", $"{{\"command\": [\"{new string('x', ActingRequest.MaxBodyBytes)}\"]}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large);
        Assert.Contains("64 KiB", tooLarge.GetProperty("error").GetString());
        Assert.Single(_store.Tasks());
    }

    [Fact]
    public async Task A_queue_that_does_not_answer_in_time_answers_503_saying_to_try_again()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator.http = \"127.0.0.1:0\"");
        var (feed, board) = (new LiveFeed(settings.BacklogCapacity, DateTime.UtcNow), new StatusBoard());
        var fleet = new FleetControl(_control.Ref, TimeSpan.FromSeconds(30));
        var silent = new TaskQueue(CreateTestProbe().Ref, _store, TimeSpan.FromMilliseconds(300));
        var (web, bound) = await HttpServer.StartAsync(new HttpServices(feed, board, new FleetDirectory(), fleet,
            new ChorusMetrics(TestSettings.NothingPending(), feed, board, Sys, TimeSpan.FromSeconds(5)), silent), settings, token: null, watchToken: null);
        try
        {
            using var response = await _http.PostAsync(new Uri($"http://{bound}/api/tasks"), new StringContent("{\"command\": [\"true\"]}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("did not answer in time. Try again", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await web.StopAsync();
        }
    }

    private async Task<HttpResponseMessage> Get(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? json = null,
        string contentType = "application/json", string? origin = null, string? token = Token)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    public async Task DisposeAsync()
    {
        if (_web is not null) await _web.StopAsync();
        _http.Dispose();
        _state.Dispose();
    }
}
