using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Akka.TestKit;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Tests.Support;
using Microsoft.AspNetCore.Builder;
using static Chorus.Aggregator.Tests.Support.Processes;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>
/// /attach on a real Kestrel with a real WebSocket client; the fleet's control is a probe that answers as the
/// ControlActor would, so each test sees exactly which actions a client's frames became.
/// </summary>
public sealed class AttachEndpointTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly NodeActionResult Taken = new("n1", new ActionResult("repl", ActionResult.Ok, "sent"));
    private readonly LiveFeed _feed = new(1000, DateTime.UtcNow);
    private readonly FleetDirectory _directory = new();
    private readonly TestProbe _control;
    private WebApplication? _app;
    private Uri _http = null!;

    private readonly StateDirectory _state = new();

    public AttachEndpointTests() => _control = CreateTestProbe();

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator.http = \"127.0.0.1:0\"");
        var board = new StatusBoard();
        var metrics = new ChorusMetrics(TestSettings.NothingPending(), _feed, board, Sys, Wait);
        var (app, bound) = await HttpServer.StartAsync(new HttpServices(_feed, board, _directory, new FleetControl(_control.Ref, Wait), metrics,
            new TaskQueue(CreateTestProbe().Ref, _state.Open(), Wait)), settings, token: null, watchToken: null);
        (_app, _http) = (app, new Uri($"http://{bound}/"));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task The_selected_processes_output_arrives_as_on_ws()
    {
        _directory.Update("n1", [Info("repl", stdin: true), Info("web")]);
        // backlog: what is published between the upgrade's answer and the subscription still arrives.
        await using var client = await WebSocketRecorder.ConnectAsync(_http, "/attach?select=repl&backlog=10");

        Publish(Line("web", "not for you"), Line("repl", ">>> "));

        var frame = await Frame(client, 0);
        Assert.Equal("line", (string?)frame["type"]);
        Assert.Equal("repl", (string?)frame["proc"]);
        Assert.Equal(">>> ", (string?)frame["text"]);
    }

    [Fact]
    public async Task Each_line_a_client_sends_becomes_an_input_action_for_the_selector_in_order()
    {
        _directory.Update("n1", [Info("repl", stdin: true)]);
        await using var client = await WebSocketRecorder.ConnectAsync(_http, "/attach?select=repl");

        await client.SendAsync("print(1+1)");
        await ExpectInput("print(1+1)", Taken);
        await client.SendAsync("a = 1\r\nb = 2\n");
        await ExpectInput("a = 1", Taken);
        await ExpectInput("b = 2", Taken);
        await client.SendAsync("");
        await ExpectInput("", Taken);

        // Lines taken make no frame: the first frame is the answer to the first line refused.
        await client.SendAsync("quit()");
        await ExpectInput("quit()", new NodeActionResult("n1", new ActionResult("repl", "stdin-closed", "closed")));
        Assert.Equal("stdin-closed", (string?)(await Frame(client, 0))["outcome"]);
    }

    [Fact]
    public async Task A_refusal_comes_back_as_an_input_refused_event()
    {
        _directory.Update("n1", [Info("repl", stdin: true)]);
        await using var client = await WebSocketRecorder.ConnectAsync(_http, "/attach?select=repl");

        await client.SendAsync("hello");
        await ExpectInput("hello", new NodeActionResult("n1", new ActionResult("repl", "stdin-closed", "repl's stdin is closed. Give it stdin = true in the spec.")),
            new NodeActionResult("n2", new ActionResult("repl", ActionResult.Ok, "sent")));

        var frame = await Frame(client, 0);
        Assert.Equal("event", (string?)frame["type"]);
        Assert.Equal("input-refused", (string?)frame["event"]);
        Assert.Equal("n1", (string?)frame["node"]);
        Assert.Equal("repl", (string?)frame["proc"]);
        Assert.Equal("stdin-closed", (string?)frame["outcome"]);
        Assert.Equal("repl's stdin is closed. Give it stdin = true in the spec.", (string?)frame["message"]);
        // Results are answered in order: had n2's ok made a frame, it would come before this line's refusal.
        await client.SendAsync("again");
        await ExpectInput("again", new NodeActionResult("n2", new ActionResult("repl", "node-down", "n2 is down.")));
        Assert.Equal("n2", (string?)(await Frame(client, 1))["node"]);
    }

    [Fact]
    public async Task With_format_text_a_refusal_is_a_line_of_words()
    {
        _directory.Update("n1", [Info("repl", stdin: true)]);
        await using var client = await WebSocketRecorder.ConnectAsync(_http, "/attach?select=repl&format=text");

        await client.SendAsync("hello");
        await ExpectInput("hello", new NodeActionResult("n1", new ActionResult("repl", "node-down", "n1 is down.")));

        await Eventually.True(() => client.Frames.Contains("input refused: n1/repl: node-down: n1 is down."), Wait);
    }

    [Fact]
    public async Task A_selector_that_matches_nothing_taking_input_connects_with_one_notice()
    {
        _directory.Update("n1", [Info("repl", stdin: false)]);
        await using var client = await WebSocketRecorder.ConnectAsync(_http, "/attach?select=repl&backlog=10");

        var frame = await Frame(client, 0);
        Assert.Equal("input-refused", (string?)frame["event"]);
        Assert.Equal("no-stdin", (string?)frame["outcome"]);
        Assert.Null(frame["node"]);

        // Still attached: output flows, and a line sent that nothing takes says so.
        Publish(Line("repl", "still here"));
        Assert.Equal("still here", (string?)(await Frame(client, 1))["text"]);
        await client.SendAsync("anyone?");
        await ExpectInput("anyone?");
        Assert.Equal("nothing-selected", (string?)(await Frame(client, 2))["outcome"]);
    }

    [Fact]
    public async Task A_plain_get_is_told_how_to_attach()
    {
        using var http = new HttpClient { BaseAddress = _http };

        var answer = await http.GetAsync("attach?select=repl");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("websocat 'ws://HOST:PORT/attach?select=repl'", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Attach_without_select_is_refused_before_the_upgrade()
    {
        using var socket = new ClientWebSocket();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{_http.Authority}/attach"), CancellationToken.None));

        using var http = new HttpClient { BaseAddress = _http };
        var answer = await http.GetAsync("attach");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.StartsWith("/attach needs select=SELECTOR", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_selector_is_a_400_with_the_parsers_message_on_ws_and_events()
    {
        using var http = new HttpClient { BaseAddress = _http };

        foreach (var path in new[] { "ws", "events", "attach" })
        {
            var answer = await http.GetAsync($"{path}?select=state:sleepy");
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.StartsWith("select=\"state:sleepy\" is not a selector: ", await answer.Content.ReadAsStringAsync());
        }
    }

    private async Task ExpectInput(string line, params NodeActionResult[] results)
    {
        var act = await _control.ExpectMsgAsync<Act>(Wait);
        Assert.Equal((ControlVerb.Input, "repl", line), (act.Verb, act.Selector.Text, act.Argument));
        _control.Reply(new Acted(results));
    }

    private void Publish(params NodeRecord[] records) => _feed.Write(records.Select(r => new OutputItem("n1", r)).ToArray());

    private static async Task<JsonNode> Frame(WebSocketRecorder client, int index)
    {
        await Eventually.True(() => client.Frames.Count > index, Wait);
        return JsonNode.Parse(client.Frames.ElementAt(index))!;
    }

    private static NodeRecord Line(string process, string text) =>
        NodeRecord.Line(process, OutputStream.Stdout, 1, DateTime.UtcNow, Encoding.UTF8.GetBytes(text), continued: false);
}
