using System.Globalization;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;
using Chorus.Tests.Support;

namespace Chorus.Node.Tests.Instances;

/// <summary>Tasks on the node, with real processes: the --allow-run refusal, a one-off run that leaves the table, cancel, and exit-on.</summary>
public sealed class TaskTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("node.conf"))
{
    [Fact]
    public async Task Without_allow_run_a_task_is_refused_and_nothing_runs()
    {
        var node = RunningNode.Start(this, "", allowRun: false, new ProcessSpec("web", "sleep 30", "test"));

        var answer = await node.RunTask("task-t1", "echo ran");

        Assert.Equal(("task-t1", "run-not-allowed"), (answer.Process, answer.Outcome));
        Assert.Contains("node node-a does not run tasks: start chorus-node with --allow-run", answer.Message);
        Assert.DoesNotContain(node.Seen, m => m is ProcessActor.ProcessStarted { Process: "task-t1" });
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_task_runs_once_its_output_and_exit_go_to_the_uplink_and_then_it_leaves_the_table()
    {
        var node = RunningNode.Start(this, "", allowRun: true);

        var answer = await node.RunTask("task-t1", "echo \"$CHORUS_PROCESS says hi\"; exit 3");

        Assert.Equal(("task-t1", ActionResult.Ok), (answer.Process, answer.Outcome));
        var line = await node.SeenOrNext<ProcessActor.LinesRead>(l => l.Process == "task-t1");
        Assert.Equal("task-t1 says hi", System.Text.Encoding.UTF8.GetString(line.Lines[0].Text.Span));
        var exited = await node.SeenOrNext<ProcessActor.ProcessExited>(e => e.Process == "task-t1");
        Assert.Equal(3, exited.ExitCode);
        // Gone from the table once its run ended: tasks do not pile up in ctl ps.
        await node.Table(t => t.Count == 0);
        // A pure task agent waits for the next task: a task that failed ends nothing.
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t2", "true")).Outcome);
        await node.SeenOrNext<ProcessActor.ProcessExited>(e => e.Process == "task-t2");
        Assert.False(node.ExitCode.Task.IsCompleted);
        node.Node.Tell(new NodeActor.StopProcesses(), TestActor);
        Assert.Equal(ExitCodes.Success, await node.Exited());
    }

    [Fact]
    public async Task A_name_already_there_is_refused()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = never", allowRun: true);
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "sleep 30")).Outcome);

        var again = await node.RunTask("task-t1", "echo twice");

        Assert.Equal("already-exists", again.Outcome);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Theory]
    [InlineData("web")]
    [InlineData("task-")]
    [InlineData("task-t1/../x")]
    public async Task A_name_that_is_no_tasks_is_refused_and_the_node_goes_on(string name)
    {
        var node = RunningNode.Start(this, "", allowRun: true);

        Assert.Equal("cannot-start", (await node.RunTask(name, "true")).Outcome);
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "true")).Outcome);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task Stop_kills_the_tasks_whole_process_group_and_it_leaves_the_table()
    {
        var node = RunningNode.Start(this, "chorus.node.stop-grace = 2s", allowRun: true);
        // The task forks a child that ignores SIGTERM, says its pid, and waits for it.
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "(trap '' TERM; exec sleep 300) & echo $!; wait")).Outcome);
        var started = await node.SeenOrNext<ProcessActor.ProcessStarted>(s => s.Process == "task-t1");
        var line = await node.SeenOrNext<ProcessActor.LinesRead>(l => l.Process == "task-t1");
        var child = int.Parse(System.Text.Encoding.UTF8.GetString(line.Lines[0].Text.Span), CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal([("task-t1", ActionResult.Ok)], (await node.Act(ControlVerb.Stop, "task-t1")).Select(r => (r.Process, r.Outcome)));

            await node.SeenOrNext<ProcessActor.ProcessExited>(e => e.Process == "task-t1");
            await node.Table(t => t.Count == 0);
            Assert.Empty(ProcessGroups.Members(started.Pid));
            Assert.False(ProcessGroupMembers.Alive(child), $"the child {child} still runs");
        }
        finally
        {
            ProcessGroups.Kill(started.Pid);
        }
    }

    // Found by the tasks adversary: the leader's exit ended the task for the aggregator (over: no cancel), yet what it left
    // in its group ran on for ever on a pure task agent, and the task stayed "running" in the node's table.
    [Fact]
    public async Task What_a_task_leaves_behind_when_its_leader_exits_is_stopped_and_it_leaves_the_table()
    {
        var node = RunningNode.Start(this, "chorus.node.stop-grace = 1s", allowRun: true);
        // The leader exits at once, leaving a child that ignores SIGTERM and holds the output pipe.
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "(trap '' TERM; exec sleep 300) & echo $!")).Outcome);
        var started = await node.SeenOrNext<ProcessActor.ProcessStarted>(s => s.Process == "task-t1");
        var line = await node.SeenOrNext<ProcessActor.LinesRead>(l => l.Process == "task-t1");
        var child = int.Parse(System.Text.Encoding.UTF8.GetString(line.Lines[0].Text.Span), CultureInfo.InvariantCulture);
        try
        {
            await node.Table(t => t.Count == 0);
            Assert.Empty(ProcessGroups.Members(started.Pid));
            Assert.False(ProcessGroupMembers.Alive(child), $"the child {child} still runs");
        }
        finally
        {
            ProcessGroups.Kill(started.Pid);
        }
    }

    [Fact]
    public async Task A_task_neither_keeps_a_node_whose_processes_all_exited_nor_sets_its_exit_code()
    {
        var node = RunningNode.Start(this, "chorus.node.stop-grace = 1s", allowRun: true, new ProcessSpec("job", "sleep 1", "test"));
        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "job");
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "sleep 300; exit 9")).Outcome);

        // all-exited: the job's end ends the node, and the task still running is stopped with it.
        Assert.Equal(ExitCodes.Success, await node.Exited(TimeSpan.FromSeconds(20)));
        Assert.Equal(Signals.Term, node.Seen.OfType<ProcessActor.ProcessExited>().Single(e => e.Process == "task-t1").Signal);
    }

    [Fact]
    public async Task A_task_that_ends_or_fails_is_no_first_exit_or_failure_of_the_node()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = failure", allowRun: true, new ProcessSpec("server", "sleep 30", "test"));
        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "server");

        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "exit 5")).Outcome);
        await node.SeenOrNext<ProcessActor.ProcessExited>(e => e.Process == "task-t1");
        await node.Table(t => t.Count == 1);

        Assert.False(node.ExitCode.Task.IsCompleted);
        Assert.DoesNotContain(node.Seen, m => m is ProcessActor.ProcessExited { Process: "server" });
        node.Node.Tell(new NodeActor.StopProcesses(), TestActor);
        Assert.Equal(ExitCodes.Success, await node.Exited());
    }

    [Fact]
    public async Task Scale_and_restart_leave_a_task_alone()
    {
        var node = RunningNode.Start(this, "chorus.node.exit-on = never", allowRun: true);
        Assert.Equal(ActionResult.Ok, (await node.RunTask("task-t1", "sleep 30")).Outcome);

        Assert.Empty(await node.Act(ControlVerb.Scale, "task-t1", "3"));
        Assert.Equal([("task-t1", "task-runs-once")], (await node.Act(ControlVerb.Restart, "all")).Select(r => (r.Process, r.Outcome)));
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }
}
