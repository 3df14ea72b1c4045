using System.Diagnostics;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Instances;

/// <summary>When the node ends by itself, with real processes (exit-on; README, "Exit policy").</summary>
public sealed class ExitOnTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("node.conf"))
{
    [Fact]
    public async Task First_exit_stops_the_rest_once_one_has_ended_and_passes_on_its_code()
    {
        var clock = Stopwatch.StartNew();
        var node = RunningNode.Start(this, "chorus.node.exit-on = first-exit",
            new ProcessSpec("job", "sleep 0.3", "test"), new ProcessSpec("server", "sleep 30", "test"));

        Assert.Equal(ExitCodes.Success, await node.Exited());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the node took {clock.Elapsed}");
        Assert.Equal(Signals.Term, node.Seen.OfType<ProcessActor.ProcessExited>().Single(e => e.Process == "server").Signal);
    }

    [Fact]
    public async Task Failure_ignores_a_success_and_stops_the_rest_once_one_fails()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = failure",
            new ProcessSpec("ok", "exit 0", "test"), new ProcessSpec("bad", "sleep 0.5; exit 3", "test"), new ProcessSpec("server", "sleep 30", "test"));

        Assert.Equal(3, await node.Exited());

        var exits = node.Seen.OfType<ProcessActor.ProcessExited>().ToList();
        Assert.Equal(["bad", "ok", "server"], exits.Select(e => e.Process).Order().ToArray());
        Assert.Equal(Signals.Term, exits.Single(e => e.Process == "server").Signal);
    }

    [Fact]
    public async Task A_verb_while_the_node_ends_for_all_exited_is_refused_and_the_node_still_ends()
    {
        // The job exits at once, leaving in its group a child that ignores SIGTERM: the node, idle, ends the groups,
        // and that takes the stop-grace (3 s). A scale or start in that time must not revive a node that is ending.
        var node = RunningNode.Start(this, "",
            new ProcessSpec("job", "(trap '' TERM; exec sleep 30) >/dev/null 2>&1 & exit 0", "test") { StopGrace = TimeSpan.FromSeconds(3) });
        await node.Table(t => t.Single().State == ProcessState.Exited); // published after the node took the exit in

        var scaled = await node.Act(ControlVerb.Scale, "job", "2");
        var started = await node.Act(ControlVerb.Start, "job");

        Assert.Equal([("job", "node-stopping")], scaled.Select(r => (r.Process, r.Outcome)));
        Assert.Equal([("job", "node-stopping")], started.Select(r => (r.Process, r.Outcome)));
        Assert.Contains("--exit-on never", scaled[0].Message);
        Assert.Equal(ExitCodes.Success, await node.Exited(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Never_keeps_the_node_with_nothing_left_until_it_is_stopped()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = never", new ProcessSpec("job", "exit 0", "test"));
        await node.Next<ProcessActor.ProcessExited>();
        await node.Table(t => t[0].State == Messages.Control.ProcessState.Exited);

        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(node.ExitCode.Task.IsCompleted);

        node.Node.Tell(new NodeActor.StopProcesses(), TestActor);
        Assert.Equal(ExitCodes.Success, await node.Exited());
    }

    [Fact]
    public async Task All_exited_waits_for_a_process_that_will_restart()
    {
        var node = RunningNode.Start(this, "",
            new ProcessSpec("flaky", "exit 1", "test") { Restart = RestartPolicy.OnFailure, MaxRestarts = 2,
                Backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), 1, 0) });

        Assert.Equal(1, await node.Exited());

        Assert.Equal(3, node.Seen.OfType<ProcessActor.ProcessStarted>().Count());
    }
}
