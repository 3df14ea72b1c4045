using System.Text;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ctl;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Chorus.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Chorus.Aggregator.Tests.Ctl;

/// <summary>run's live follow over a real Kestrel's /ws, with the token, as the executable does it.</summary>
public sealed class TaskFollowerTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Token = "follow-token";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly LiveFeed _feed = new(1000, DateTime.UtcNow);
    private readonly StateDirectory _state = new();
    private WebApplication? _app;
    private AggregatorEndpoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator.http = \"127.0.0.1:0\"");
        var board = new StatusBoard();
        var metrics = new ChorusMetrics(TestSettings.NothingPending(), _feed, board, Sys, Wait);
        var (app, bound) = await HttpServer.StartAsync(new HttpServices(_feed, board, new FleetDirectory(), new FleetControl(TestActor, Wait), metrics,
            new TaskQueue(CreateTestProbe().Ref, _state.Open(), Wait)),
            settings, AccessToken.From(Token, "test"), watchToken: null);
        (_app, _endpoint) = (app, new AggregatorEndpoint(new Uri($"http://{bound}/"), AccessToken.From(Token, "test"), AuthorityFile: null));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task Lines_printed_before_the_socket_opened_are_shown_and_a_closed_stream_says_why()
    {
        // The task started and printed between run's POST and its socket: the backlog brings these first.
        _feed.Write([Item("n1", "task-t1", "early"), Item("n1", "web", "not this task's"), Item("n2", "task-t1", "also early")]);
        var output = new StringWriter();

        var following = TaskFollower.FollowAsync(_endpoint, "t1", new TaskFrames("t1", output, new StringWriter()), CancellationToken.None);
        await Eventually.True(() => output.ToString().Contains("[n2] also early"), Wait);
        _feed.Write([Item("n1", "task-t1", "live")]);
        await Eventually.True(() => output.ToString().Contains("[n1] live"), Wait);
        _feed.CompleteAll(); // the aggregator shuts down before the task's end event

        var broken = await following.WaitAsync(Wait);
        Assert.Contains("closed the stream", broken);
        Assert.Equal(["[n1] early", "[n2] also early", "[n1] live"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_tasks_end_event_ends_the_follow_and_a_nodes_refusal_is_said_before()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var following = TaskFollower.FollowAsync(_endpoint, "t2", new TaskFrames("t2", output, errors), CancellationToken.None);

        _feed.Write([
            // A task's stream starts with its queued event (else run says its first lines are past the backlog).
            new OutputItem("", NodeRecord.Task("task-t2", "queued", null, "", DateTime.UtcNow)),
            new OutputItem("n3", NodeRecord.Task("task-t2", "refused", null, "n3 does not run tasks.", DateTime.UtcNow)),
            Item("n1", "task-t2", "done"),
            new OutputItem("", NodeRecord.Task("task-t2", "finished", 255, "", DateTime.UtcNow)),
        ]);

        Assert.Null(await following.WaitAsync(Wait));
        Assert.Equal("[n1] done" + Environment.NewLine, output.ToString());
        Assert.Equal("chorus: warning: n3: refused: n3 does not run tasks." + Environment.NewLine, errors.ToString());
    }

    [Fact]
    public async Task A_wrong_token_is_a_broken_stream_not_a_crash()
    {
        var wrong = _endpoint with { Token = AccessToken.From("not-it", "test") };

        var broken = await TaskFollower.FollowAsync(wrong, "t1", new TaskFrames("t1", new StringWriter(), new StringWriter()), CancellationToken.None).WaitAsync(Wait);

        Assert.Contains("broke", broken);
    }

    [Fact]
    public void The_stream_address_selects_the_task_asks_for_a_backlog_and_keeps_https()
    {
        Assert.Equal("ws://127.0.0.1:8181/ws?select=task-t7&backlog=1000", TaskFollower.StreamUri(new Uri("http://127.0.0.1:8181"), "t7").ToString());
        Assert.StartsWith("wss://agg.example/ws?", TaskFollower.StreamUri(new Uri("https://agg.example/"), "t7").ToString());
    }

    private static OutputItem Item(string node, string process, string text) =>
        new(node, NodeRecord.Line(process, OutputStream.Stdout, 1, DateTime.UtcNow, Encoding.UTF8.GetBytes(text), continued: false));
}
