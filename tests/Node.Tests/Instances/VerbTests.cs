using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Instances;

/// <summary>Verbs as the aggregator asks them, on real processes: one result per instance the selector matches.</summary>
public sealed class VerbTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("node.conf"))
{
    [Fact]
    public async Task Stop_start_and_their_repeats_answer_each_instance_with_its_outcome()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = never",
            new ProcessSpec("web", "sleep 30", "test"), new ProcessSpec("db", "sleep 30", "test"));
        await node.Table(t => t.All(p => p.State == ProcessState.Running));

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Stop, "web")));
        await node.Table(t => t.Single(p => p.Name == "web").State == ProcessState.Exited);
        // The exit may come before the answer: looked for among everything the uplink got.
        Assert.Equal(Signals.Term, node.Seen.OfType<ProcessActor.ProcessExited>().Single(e => e.Process == "web").Signal);
        Assert.Equal([("web", "already-stopped")], Outcomes(await node.Act(ControlVerb.Stop, "web")));

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Start, "web")));
        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "web");
        Assert.Equal([("db", "already-running"), ("web", "already-running")], Outcomes(await node.Act(ControlVerb.Start, "all")));
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task Start_while_the_stop_is_under_way_says_so_rather_than_that_it_runs()
    {
        // It ignores SIGTERM: the stop waits out its grace, and a start comes in meanwhile.
        var node = RunningNode.Start(this, "chorus.node.exit-on = never",
            new ProcessSpec("web", "trap '' TERM; sleep 30", "test") { StopGrace = TimeSpan.FromSeconds(20) });
        await node.Next<ProcessActor.ProcessStarted>();

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Stop, "web")));
        Assert.Equal([("web", "stopping")], Outcomes(await node.Act(ControlVerb.Start, "web")));
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task Restart_stops_then_starts_again_and_counts_in_restarts()
    {
        var node = RunningNode.Start(this, "", new ProcessSpec("web", "sleep 30", "test"));
        var first = await node.Next<ProcessActor.ProcessStarted>();

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Restart, "web")));

        var second = await node.Next<ProcessActor.ProcessStarted>();
        Assert.NotEqual(first.Pid, second.Pid);
        // The table the aggregator gets (ctl ps, /api/nodes) names the new run's pid.
        var table = await node.Table(t => t[0] is { State: ProcessState.Running, Restarts: 1 } && t[0].Pid == second.Pid);
        Assert.Equal("web", table[0].Name);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task Signal_input_and_bad_requests_answer_with_their_reasons()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = never", new ProcessSpec("web", "sleep 30", "test"));
        await node.Next<ProcessActor.ProcessStarted>();

        Assert.Equal([("web", "bad-signal")], Outcomes(await node.Act(ControlVerb.Signal, "web", "NOPE")));
        Assert.Equal([("web", "stdin-closed")], Outcomes(await node.Act(ControlVerb.Input, "web", "hello")));
        Assert.Equal([("", "bad-selector")], Outcomes(await node.Act(ControlVerb.Stop, "state:sleepy")));
        Assert.Empty(await node.Act(ControlVerb.Stop, "nothing-here"));

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Signal, "web", "USR1")));
        await node.Table(t => t[0].State == ProcessState.Exited);
        Assert.Equal(Signals.Usr1, node.Seen.OfType<ProcessActor.ProcessExited>().Single().Signal);
        Assert.Equal([("web", "not-running")], Outcomes(await node.Act(ControlVerb.Signal, "web", "USR1")));
    }

    [Fact]
    public async Task Scale_up_adds_numbered_instances_the_first_keeping_its_name_and_scale_down_retires_the_highest()
    {
        var node = RunningNode.Start(this, "", new ProcessSpec("web", "sleep 30", "test"));
        await node.Next<ProcessActor.ProcessStarted>();

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "web", "3")));
        Assert.Equal(new NodeActor.ProcessScaled("web", 3), node.Seen.OfType<NodeActor.ProcessScaled>().Single());
        var up = await node.Table(t => t.Count == 3 && t.All(p => p.State == ProcessState.Running));
        Assert.Equal(["web", "web.2", "web.3"], up.Select(p => p.Name).Order());

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "web*", "1")));
        Assert.Equal(new NodeActor.ProcessScaled("web", 1), node.Seen.OfType<NodeActor.ProcessScaled>().Last());
        var down = await node.Table(t => t.Count == 1);
        Assert.Equal(("web", ProcessState.Running), (down[0].Name, down[0].State));
        Assert.Equal(["web.2", "web.3"], node.Seen.OfType<ProcessActor.ProcessExited>().Select(e => e.Process).Order());

        Assert.Equal([("web", "bad-replicas")], Outcomes(await node.Act(ControlVerb.Scale, "web", "-1")));
        // A count past the bound starts nothing: a node told 1000000000 would otherwise start processes until the machine gives out.
        Assert.Equal([("web", "bad-replicas")], Outcomes(await node.Act(ControlVerb.Scale, "web", "1000000000")));
        Assert.Equal([("web", "bad-replicas")], Outcomes(await node.Act(ControlVerb.Scale, "web", $"{ProcessSpec.MaxReplicas + 1}")));
        Assert.Single(node.Seen.OfType<NodeActor.ProcessScaled>(), s => s.Replicas == 1);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_spec_scaled_to_zero_is_still_matched_by_scale_which_brings_it_back()
    {
        // "keep" holds the node up (all-exited) while web has no instance.
        var node = RunningNode.Start(this, "", new ProcessSpec("web", "sleep 30", "test") { Groups = ["front"] },
            new ProcessSpec("keep", "sleep 30", "test"));
        await node.Table(t => t.Count == 2 && t.All(p => p.State == ProcessState.Running));

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "web", "0")));
        await node.Table(t => t.Count == 1);

        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "web", "2")));
        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "group:front", "0")));
        await node.Table(t => t.Count == 1);
        Assert.Equal([("web", "ok")], Outcomes(await node.Act(ControlVerb.Scale, "group:front", "1")));
        var back = await node.Table(t => t.Count == 2 && t.All(p => p.State == ProcessState.Running));
        Assert.Equal(["keep", "web"], back.Select(p => p.Name).Order());
        Assert.Empty(await node.Act(ControlVerb.Scale, "nothing-here", "1"));
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    private static (string, string)[] Outcomes(IReadOnlyList<ActionResult> results) =>
        results.Select(r => (r.Process, r.Outcome)).OrderBy(r => r.Process).ToArray();
}
