using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using Chorus.Node;
using Chorus.Node.Spec;
using Chorus.Tests.Support;

namespace Chorus.Aggregator.Tests.Scenarios;

/// <summary>
/// A task from the control plane to real nodes (each in an ActorSystem of its own, over Akka.Remote on loopback) and
/// its output back into the merged stream: the node selector on the nodes' --labels, the --allow-run refusal, and a
/// finished task leaving the node's table.
/// </summary>
public sealed class TasksOnRealNodesTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
{
    [Fact]
    public async Task A_task_runs_on_the_labelled_nodes_that_allow_it_its_lines_reach_the_stream_and_it_leaves_the_table()
    {
        var sink = CreateTestProbe();
        var settings = TestSettings.Aggregator();
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], settings), "merge");
        var directory = new FleetDirectory();
        var controlActor = Sys.ActorOf(ControlActor.Props(directory, settings.ControlTimeout), "control");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), TestSettings.NothingPending(), settings, token: null, controlActor), "ingest");
        var control = new FleetControl(controlActor, settings.ControlTimeout + TimeSpan.FromSeconds(5));
        var ingest = AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys));
        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var agentSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        using var plainSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        using var otherSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        Dictionary<string, string> Back() => new() { ["tier"] = "back" };
        var agent = NodeHost.Start(agentSystem, "agent", [], ingest, NodeSettings.From(nodeConfig), new MonotonicClock(), "", WireVersion.Current,
            new TaskAgent(AllowRun: true, Back()));
        var plain = NodeHost.Start(plainSystem, "plain", [new ProcessSpec("web", "sleep 60", "test")], ingest, NodeSettings.From(nodeConfig),
            new MonotonicClock(), "", WireVersion.Current, new TaskAgent(AllowRun: false, Back()));
        var other = NodeHost.Start(otherSystem, "other", [], ingest, NodeSettings.From(nodeConfig), new MonotonicClock(), "", WireVersion.Current,
            new TaskAgent(AllowRun: true, new Dictionary<string, string> { ["tier"] = "front" }));
        await AwaitConditionAsync(() => Task.FromResult(directory.HasTable("agent") && directory.HasTable("plain") && directory.HasTable("other")),
            TimeSpan.FromSeconds(20));

        var acted = await control.RunAsync("task-t1", "echo \"hello from $CHORUS_NODE\"; exit 4", Selector.ParseNodes("label:tier=back"));

        Assert.Equal([("agent", "task-t1", ActionResult.Ok), ("plain", "task-t1", "run-not-allowed")],
            acted.Results.Select(r => (r.Node, r.Result.Process, r.Result.Outcome)));
        var seen = new List<OutputItem>();
        await AwaitAssertAsync(() =>
        {
            while (sink.HasMessages) seen.AddRange(sink.ExpectMsg<OutputChunk>().Items);
            Assert.Contains(seen, i => i.Record is { Kind: RecordKind.Exited, Process: "task-t1" });
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
        var task = seen.Where(i => i.Record.Process == "task-t1").ToList();
        Assert.All(task, i => Assert.Equal("agent", i.Node));
        Assert.Equal(["started", "hello from agent", "exited 4"], task.Select(i => i.Record.Kind switch
        {
            RecordKind.Line => Encoding.UTF8.GetString(i.Record.Text.Span),
            RecordKind.Exited => $"exited {i.Record.ExitCode}",
            var kind => kind.ToString().ToLowerInvariant(),
        }));
        // Once its exit was sent, it leaves the agent's table; the agent stays for the next task.
        await AwaitConditionAsync(() => Task.FromResult(directory.HasTable("agent") && directory.Of("agent").Count == 0), TimeSpan.FromSeconds(10));
        Assert.False(agent.ExitCode.IsCompleted);

        agent.Stop();
        plain.Stop();
        other.Stop();
        var codes = await Task.WhenAll(agent.ExitCode, plain.ExitCode, other.ExitCode).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([0, 0, 0], codes);
    }

    [Fact]
    public async Task Stopping_a_task_by_its_name_kills_its_whole_process_group_on_the_node()
    {
        var settings = TestSettings.Aggregator();
        var merge = Sys.ActorOf(MergeActor.Props([CreateTestProbe().Ref], settings), "merge");
        var directory = new FleetDirectory();
        var controlActor = Sys.ActorOf(ControlActor.Props(directory, settings.ControlTimeout), "control");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), TestSettings.NothingPending(), settings, token: null, controlActor), "ingest");
        var control = new FleetControl(controlActor, settings.ControlTimeout + TimeSpan.FromSeconds(5));
        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var agentSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var agent = NodeHost.Start(agentSystem, "agent", [], AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys)),
            NodeSettings.From(ConfigurationFactory.ParseString("chorus.node.stop-grace = 1s").WithFallback(nodeConfig)), new MonotonicClock(), "",
            WireVersion.Current, new TaskAgent(AllowRun: true, new Dictionary<string, string>()));
        await AwaitConditionAsync(() => Task.FromResult(directory.HasTable("agent")), TimeSpan.FromSeconds(20));
        // The task's child ignores SIGTERM: only the SIGKILL to the whole group after stop-grace ends it.
        var started = await control.RunAsync("task-t1", "(trap '' TERM; exec sleep 300) & wait", Selector.ParseNodes("all"));
        Assert.Equal(ActionResult.Ok, Assert.Single(started.Results).Result.Outcome);
        await AwaitConditionAsync(() => Task.FromResult(directory.Find("agent", "task-t1") is { Pid: > 0 }), TimeSpan.FromSeconds(10));
        var group = directory.Find("agent", "task-t1")!.Pid;
        try
        {
            Assert.NotEmpty(ProcessGroups.Members(group));

            var stopped = await control.ActAsync(ControlVerb.Stop, Selector.Parse("task-t1"), "");

            var result = Assert.Single(stopped.Results);
            Assert.Equal(("agent", "task-t1", ActionResult.Ok), (result.Node, result.Result.Process, result.Result.Outcome));
            await AwaitConditionAsync(() => Task.FromResult(ProcessGroups.Members(group).Count == 0 && directory.Of("agent").Count == 0),
                TimeSpan.FromSeconds(15));
        }
        finally
        {
            ProcessGroups.Kill(group);
            agent.Stop();
        }
        Assert.Equal(0, await agent.ExitCode.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
