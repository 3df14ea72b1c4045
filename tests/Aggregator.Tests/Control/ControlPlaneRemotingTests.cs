using Akka.Actor;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using static Chorus.Aggregator.Tests.Control.FakeNode;

namespace Chorus.Aggregator.Tests.Control;

/// <summary>
/// The aggregator's control plane (ingest + ControlActor, in this test kit's system) and nodes played by peers over
/// real remoting (<see cref="FakeNode"/>): fan-out, gathering, timeouts, node-down, remote dependencies, and peers
/// that never joined.
/// </summary>
public sealed class ControlPlaneRemotingTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly FleetDirectory _directory = new();
    private readonly FleetControl _control;
    private readonly Address _aggregator;
    private readonly List<FakeNode> _nodes = [];

    public ControlPlaneRemotingTests() : base(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
    {
        var settings = TestSettings.Aggregator("chorus.aggregator.control-timeout = 1500ms");
        var merge = Sys.ActorOf(MergeActor.Props([CreateTestProbe().Ref], settings), "merge");
        var controlActor = Sys.ActorOf(ControlActor.Props(_directory, settings.ControlTimeout), "control");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), TestSettings.NothingPending(), settings, token: null, controlActor), "ingest");
        _control = new FleetControl(controlActor, TimeSpan.FromSeconds(20));
        _aggregator = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
    }

    [Fact]
    public async Task An_action_goes_to_every_node_the_selector_may_match_and_gathers_their_answers()
    {
        var n1 = await Joined("n1", Info("web"), Info("worker"));
        var n2 = await Joined("n2", Info("web"));

        var acting = _control.ActAsync(ControlVerb.Restart, Selector.Parse("web"), "");
        var r1 = await n1.ExpectRequestAsync();
        var r2 = await n2.ExpectRequestAsync();
        Assert.Equal((ControlVerb.Restart, "web", n1.SessionKey), (r1.Verb, r1.Selector, r1.SessionKey));
        Assert.Equal(n2.SessionKey, r2.SessionKey);
        n2.Reply(r2.Id, new ActionResult("web", ActionResult.Ok, "restarted"));
        n1.Reply(r1.Id, new ActionResult("web", "already-stopped", "web was not running"));

        var acted = await acting;
        Assert.Equal([("n1", "web", "already-stopped"), ("n2", "web", ActionResult.Ok)],
            acted.Results.Select(r => (r.Node, r.Result.Process, r.Result.Outcome)));

        // node: rules n2 out by its name alone: it is not asked.
        var onlyN1 = _control.ActAsync(ControlVerb.Stop, Selector.Parse("node:n1"), "");
        var stop = await n1.ExpectRequestAsync();
        n1.Reply(stop.Id, new ActionResult("worker", ActionResult.Ok, "stopped"));
        Assert.Single((await onlyN1).Results);
        await n2.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_node_that_does_not_answer_in_time_is_reported_no_answer_and_a_forged_reply_does_not_stand_in()
    {
        var n1 = await Joined("n1", Info("web"));
        var forger = new FakeNode("forger", _aggregator);
        _nodes.Add(forger);

        var acting = _control.ActAsync(ControlVerb.Restart, Selector.Parse("web"), "");
        var request = await n1.ExpectRequestAsync();
        forger.ForgeReply("n1", n1.Incarnation, request.Id, new ActionResult("web", ActionResult.Ok, "forged"));

        var acted = await acting;
        var result = Assert.Single(acted.Results);
        Assert.Equal(("n1", "web", ControlActor.NoAnswer), (result.Node, result.Result.Process, result.Result.Outcome));
        Assert.Contains("control-timeout", result.Result.Message);
    }

    [Fact]
    public async Task A_forged_table_changes_nothing_the_aggregator_knows()
    {
        var n1 = await Joined("n1", Info("web"));
        var forger = new FakeNode("forger", _aggregator);
        _nodes.Add(forger);

        forger.ForgeTable("n1", n1.Incarnation, Info("evil"));
        forger.ForgeTable("nobody", 1, Info("evil"));
        // Messages from one sender arrive in order: once its own join is answered, the forged tables were judged.
        await forger.JoinAsync();

        Assert.Equal(["web"], _directory.Of("n1").Select(p => p.Name));
        Assert.Empty(_directory.Of("nobody"));
    }

    [Fact]
    public async Task A_node_that_is_down_is_reported_node_down_for_the_processes_its_last_table_had()
    {
        var n1 = await Joined("n1", Info("web"));
        var n2 = await Joined("n2", Info("web"), Info("db"));
        n2.Leave();
        await AwaitConditionAsync(async () =>
        {
            // Until the ingest took the leave, n2 is asked; it answers nothing, and the next try comes.
            var acted = await _control.ActAsync(ControlVerb.Restart, Selector.Parse("node:n2"), "");
            return acted.Results.All(r => r.Result.Outcome == ControlActor.NodeDownOutcome) && acted.Results.Count == 2;
        }, TimeSpan.FromSeconds(20));

        var acting = _control.ActAsync(ControlVerb.Restart, Selector.Parse("web"), "");
        var request = await n1.ExpectRequestAsync();
        n1.Reply(request.Id, new ActionResult("web", ActionResult.Ok, "restarted"));
        Assert.Equal([("n1", "web", ActionResult.Ok), ("n2", "web", ControlActor.NodeDownOutcome)],
            (await acting).Results.Select(r => (r.Node, r.Result.Process, r.Result.Outcome)));
        Assert.Equal(["db", "web"], _directory.Of("n2").Select(p => p.Name)); // kept: what it ran is still worth showing
    }

    [Fact]
    public async Task Nothing_matched_answers_no_results()
    {
        await Joined("n1", Info("web"));
        Assert.Empty((await _control.ActAsync(ControlVerb.Restart, Selector.Parse("node:elsewhere"), "")).Results);
    }

    [Fact]
    public async Task A_node_waiting_for_a_process_of_another_node_is_told_how_it_stands_when_it_changes()
    {
        var waiting = await Joined("api-host", Info("api", ProcessState.Waiting, ready: false, "db@db-host ready"));
        // Before db-host joins, db exists on no node that is up.
        Assert.Empty((await waiting.ExpectRemoteProcessesAsync()).Processes);
        var dbHost = await Joined("db-host", Info("db", ProcessState.Running, ready: false));

        var first = await waiting.ExpectRemoteProcessesAsync();
        Assert.Equal(waiting.SessionKey, first.SessionKey);
        var db = Assert.Single(first.Processes);
        Assert.Equal(("db-host", "db", false), (db.Node, db.Process.Name, db.Process.Ready));

        dbHost.SendTable(Info("db", ProcessState.Running, ready: true));
        var second = await waiting.ExpectRemoteProcessesAsync();
        Assert.True(Assert.Single(second.Processes).Process.Ready);

        // The same table again changes nothing the waiting node cares about: it is not told again.
        dbHost.SendTable(Info("db", ProcessState.Running, ready: true));
        await waiting.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        // The node that waits for nothing is told nothing.
        Assert.False(dbHost.Probe.HasMessages);
    }

    [Fact]
    public async Task A_task_goes_to_every_up_node_its_node_selector_matches_by_name_and_labels_with_each_nodes_session_key()
    {
        var web1 = await Labelled("web-1", new() { ["tier"] = "front" });
        var web2 = await Labelled("web-2", new() { ["tier"] = "back" });
        var db = await Labelled("db-1", new() { ["tier"] = "back" });
        Assert.Equal("back", _directory.LabelsOf("web-2")["tier"]);

        var running = _control.RunAsync("task-t1", "uname -sr", Selector.ParseNodes("label:tier=back"));
        var toWeb2 = await web2.ExpectRunTaskAsync();
        var toDb = await db.ExpectRunTaskAsync();
        Assert.Equal(("task-t1", "uname -sr", web2.SessionKey), (toWeb2.Process, toWeb2.Command, toWeb2.SessionKey));
        Assert.Equal(db.SessionKey, toDb.SessionKey);
        web2.Reply(toWeb2.Id, new ActionResult("task-t1", ActionResult.Ok, "started"));
        db.Reply(toDb.Id, new ActionResult("task-t1", "run-not-allowed", "start chorus-node with --allow-run"));

        Assert.Equal([("db-1", "task-t1", "run-not-allowed"), ("web-2", "task-t1", ActionResult.Ok)],
            (await running).Results.Select(r => (r.Node, r.Result.Process, r.Result.Outcome)));
        await web1.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        var byName = _control.RunAsync("task-t2", "true", Selector.ParseNodes("node:web-* !label:tier=back"));
        var toWeb1 = await web1.ExpectRunTaskAsync();
        web1.Reply(toWeb1.Id, new ActionResult("task-t2", ActionResult.Ok, "started"));
        Assert.Equal("web-1", Assert.Single((await byName).Results).Node);
    }

    [Fact]
    public async Task A_task_reports_a_down_node_at_once_with_its_labels_kept_and_one_that_goes_down_or_keeps_silent()
    {
        var up = await Labelled("n1", new() { ["zone"] = "a" });
        var silent = await Labelled("n2", new() { ["zone"] = "a" });
        var leaving = await Labelled("n3", new() { ["zone"] = "a" });
        var down = await Labelled("n4", new() { ["zone"] = "a" });
        down.Leave();
        await AwaitConditionAsync(async () =>
        {
            // Until the ingest took the leave, n4 is sent the task; it answers nothing, and the next try comes.
            var acted = await _control.RunAsync("task-t0", "true", Selector.ParseNodes("node:n4"));
            return acted.Results.Single().Result.Outcome == ControlActor.NodeDownOutcome;
        }, TimeSpan.FromSeconds(20));
        Assert.Equal("a", _directory.LabelsOf("n4")["zone"]); // a node down keeps its labels: the task still selects it

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var running = _control.RunAsync("task-t1", "sleep 1", Selector.ParseNodes("label:zone=a"));
        up.Reply((await up.ExpectRunTaskAsync()).Id, new ActionResult("task-t1", ActionResult.Ok, "started"));
        await silent.ExpectRunTaskAsync();
        await leaving.ExpectRunTaskAsync();
        leaving.Leave();

        var results = (await running).Results;
        Assert.Equal([("n1", ActionResult.Ok), ("n2", ControlActor.NoAnswer), ("n3", ControlActor.NodeDownOutcome), ("n4", ControlActor.NodeDownOutcome)],
            results.Select(r => (r.Node, r.Result.Outcome)));
        Assert.All(results, r => Assert.Equal("task-t1", r.Result.Process));
        Assert.Contains("task may or may not have started", results[1].Result.Message);
        Assert.Contains("is down, so the task did not run there", results[3].Result.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the task was answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_task_whose_node_selector_names_processes_is_refused_with_the_fix_and_nothing_is_sent()
    {
        var n1 = await Joined("n1");

        var refusal = await Assert.ThrowsAsync<SelectorException>(() => _control.RunAsync("task-t1", "true", Selector.Parse("node:n1 web")));

        Assert.Contains("--on selects nodes: use node:GLOB or label:KEY=VALUE", refusal.Message);
        await n1.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    private Task<FakeNode> Joined(string name, params ProcessInfo[] processes) => Joined(name, null, processes);

    /// <summary>A node that joined with these labels of its own (--label) and no processes.</summary>
    private Task<FakeNode> Labelled(string name, Dictionary<string, string> labels) => Joined(name, labels);

    private async Task<FakeNode> Joined(string name, Dictionary<string, string>? labels, params ProcessInfo[] processes)
    {
        var node = new FakeNode(name, _aggregator);
        _nodes.Add(node);
        await node.JoinAsync(labels);
        node.SendTable(processes);
        await AwaitConditionAsync(() => Task.FromResult(_directory.Of(name).Count == processes.Length), TimeSpan.FromSeconds(10));
        return node;
    }

    protected override void AfterAll()
    {
        foreach (var node in _nodes) node.Dispose();
        base.AfterAll();
    }
}
