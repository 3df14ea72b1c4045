using Akka.Actor;
using Akka.TestKit;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using Chorus.Messages.Control;

namespace Chorus.Aggregator.Tests.Tasks;

/// <summary>
/// The queue's state machine: the real <see cref="TaskQueueActor"/> on a real store, with probes in the places of the
/// control plane (answering RunOn and stop as the ControlActor does) and the merge (taking its events), and the
/// stream's started/exited/node-down told as the task log sink tells them.
/// </summary>
public sealed class TaskQueueActorTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly StateDirectory _state = new();
    private readonly TestProbe _control;
    private readonly TestProbe _merge;
    private TaskStore _store;

    public TaskQueueActorTests()
    {
        _control = CreateTestProbe();
        _merge = CreateTestProbe();
        _store = _state.Open();
    }

    private IActorRef StartQueue() => Sys.ActorOf(TaskQueueActor.Props(_store, new FleetControl(_control.Ref, Wait), _merge.Ref));

    private static TaskRequest Request(string group = TaskRequest.DefaultGroup, string on = "all", IReadOnlyList<string>? after = null,
        TimeSpan? timeout = null, bool fold = false) =>
        new(["echo", "hi"], on, group, after ?? [], timeout, fold, TaskRequest.DefaultFoldWindow);

    private async Task<TaskInfo> Submit(IActorRef queue, TaskRequest request) => await queue.Ask<TaskInfo>(new TaskQueueActor.Submit(request), Wait);

    /// <summary>The next start asked of the control plane, answered with these outcomes, one per node.</summary>
    private async Task<RunOn> ExpectRun(params (string Node, string Outcome)[] outcomes)
    {
        var run = await _control.ExpectMsgAsync<RunOn>(Wait);
        _control.Reply(new Acted(outcomes.Select(o => new NodeActionResult(o.Node, new ActionResult(run.Process, o.Outcome, o.Outcome + " message"))).ToArray()));
        return run;
    }

    /// <summary>The task events told to the merge until one with <paramref name="state"/> (for the whole task), as (node, state, code).</summary>
    private async Task<List<(string Node, string State, int? Code, string Detail)>> EventsUntil(string id, string state)
    {
        var seen = new List<(string, string, int?, string)>();
        while (true)
        {
            var message = await _merge.ExpectMsgAsync<object>(Wait);
            if (message is not MergeActor.Observed { Item: var item } || item.Record.Process != "task-" + id) continue;
            var record = item.Record;
            seen.Add((item.Node, record.Reason!, record.ExitCode, System.Text.Encoding.UTF8.GetString(record.Text.Span)));
            if (record.Reason == state && item.Node == "") return seen;
        }
    }

    private TaskInfo Stored(string id) => _store.Find(id)!;

    [Fact]
    public async Task A_task_runs_on_its_nodes_and_finishes_with_the_highest_exit_code_told_as_events()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request(on: "node:n*"));
        var run = await ExpectRun(("n1", ActionResult.Ok), ("n2", ActionResult.Ok));
        Assert.Equal(("task-t1", "echo hi", "node:n*"), (run.Process, run.Command, run.On.Text));

        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));
        queue.Tell(new TaskQueueActor.ProcessExited("n2", task.Id, 3, null, DateTime.UtcNow));

        var events = await EventsUntil(task.Id, "finished");
        Assert.Equal([("", "queued", null), ("", "running", null), ("", "finished", 3)], events.Select(e => (e.Node, e.State, e.Code)));
        var stored = Stored(task.Id);
        Assert.Equal((TaskState.Finished, 3), (stored.State, stored.ExitCode));
        Assert.Equal([(TaskNodeState.Exited, 0), (TaskNodeState.Exited, 3)], stored.Nodes.Select(n => (n.State, n.ExitCode ?? -1)));
    }

    [Fact]
    public async Task A_group_of_parallel_1_starts_the_next_task_only_when_the_one_before_is_over()
    {
        var queue = StartQueue();
        await queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(new TaskGroup("one", 1, null)), Wait);
        var tasks = new List<TaskInfo>();
        for (var i = 0; i < 3; i++) tasks.Add(await Submit(queue, Request(group: "one")));

        foreach (var task in tasks)
        {
            var run = await ExpectRun(("n1", ActionResult.Ok));
            Assert.Equal(task.Process, run.Process);
            await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
            queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));
        }
        await AwaitAssertAsync(() => Assert.All(tasks, t => Assert.Equal(TaskState.Finished, Stored(t.Id).State)), Wait);
    }

    [Fact]
    public async Task A_task_after_one_that_failed_never_starts_and_says_which_and_why()
    {
        var queue = StartQueue();
        var first = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok));
        var second = await Submit(queue, Request(after: [first.Id]));
        var third = await Submit(queue, Request(after: [second.Id]));
        await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        queue.Tell(new TaskQueueActor.ProcessExited("n1", first.Id, 2, null, DateTime.UtcNow));

        var events = await EventsUntil(third.Id, "failed");
        Assert.Contains(events, e => e.State == "failed");
        var failed = Stored(second.Id);
        Assert.Equal((TaskState.Failed, 255, null), (failed.State, failed.ExitCode, failed.StartedAt));
        Assert.Contains($"{first.Id}, which it runs after (--after), finished with exit code 2", failed.Message);
        Assert.Contains($"{second.Id}, which it runs after", Stored(third.Id).Message);
        await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_task_after_one_that_finished_with_0_starts_then()
    {
        var queue = StartQueue();
        var first = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok));
        var second = await Submit(queue, Request(after: [first.Id]));
        await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", first.Id, 0, null, DateTime.UtcNow));
        Assert.Equal(second.Process, (await ExpectRun(("n1", ActionResult.Ok))).Process);
    }

    [Fact]
    public async Task An_after_id_that_is_no_task_is_refused()
    {
        var queue = StartQueue();
        var answer = await queue.Ask<object>(new TaskQueueActor.Submit(Request(after: ["t7"])), Wait);
        Assert.Contains("there is no task t7", Assert.IsType<TaskQueueActor.Refused>(answer).Message);
        Assert.Empty(_store.Tasks());
    }

    [Fact]
    public async Task Cancelling_a_queued_task_ends_it_at_once_and_it_never_starts()
    {
        var queue = StartQueue();
        await queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(new TaskGroup("one", 1, null)), Wait);
        var running = await Submit(queue, Request(group: "one"));
        await ExpectRun(("n1", ActionResult.Ok));
        var waiting = await Submit(queue, Request(group: "one"));

        var cancelled = await queue.Ask<TaskInfo>(new TaskQueueActor.Cancel(waiting.Id), Wait);
        Assert.Equal((TaskState.Cancelled, 130), (cancelled.State, cancelled.ExitCode));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", running.Id, 0, null, DateTime.UtcNow));
        await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.IsType<TaskQueueActor.Refused>(await queue.Ask<object>(new TaskQueueActor.Cancel(waiting.Id), Wait));
        Assert.IsType<TaskQueueActor.Unknown>(await queue.Ask<object>(new TaskQueueActor.Cancel("t99"), Wait));
    }

    [Fact]
    public async Task Cancelling_a_running_task_stops_it_on_its_nodes_and_it_is_cancelled_once_they_exited()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok), ("n2", ActionResult.Ok));

        var answer = await queue.Ask<TaskInfo>(new TaskQueueActor.Cancel(task.Id), Wait);
        Assert.Equal(TaskState.Running, answer.State);
        var stops = new[] { await _control.ExpectMsgAsync<Act>(Wait), await _control.ExpectMsgAsync<Act>(Wait) };
        Assert.All(stops, s => Assert.Equal(ControlVerb.Stop, s.Verb));
        Assert.Equal(["node:n1 task-t1", "node:n2 task-t1"], stops.Select(s => s.Selector.Text).Order());

        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, null, 15, DateTime.UtcNow));
        queue.Tell(new TaskQueueActor.ProcessExited("n2", task.Id, null, 15, DateTime.UtcNow));
        await EventsUntil(task.Id, "cancelled");
        var stored = Stored(task.Id);
        Assert.Equal((TaskState.Cancelled, 130), (stored.State, stored.ExitCode));
        Assert.All(stored.Nodes, n => Assert.Equal((TaskNodeState.Cancelled, 15), (n.State, n.Signal)));
    }

    [Fact]
    public async Task At_its_timeout_what_still_runs_is_stopped_and_ends_timed_out()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request(timeout: TimeSpan.FromMilliseconds(500)));
        await ExpectRun(("n1", ActionResult.Ok), ("n2", ActionResult.Ok));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));

        var stop = await _control.ExpectMsgAsync<Act>(Wait);
        Assert.Equal((ControlVerb.Stop, "node:n2 task-t1"), (stop.Verb, stop.Selector.Text));
        queue.Tell(new TaskQueueActor.ProcessExited("n2", task.Id, null, 15, DateTime.UtcNow));

        var events = await EventsUntil(task.Id, "finished");
        Assert.Contains(("n2", "timed-out"), events.Select(e => (e.Node, e.State)));
        var stored = Stored(task.Id);
        Assert.Equal((TaskState.Finished, 255), (stored.State, stored.ExitCode));
        Assert.Equal([TaskNodeState.Exited, TaskNodeState.TimedOut], stored.Nodes.Select(n => n.State));
    }

    [Fact]
    public async Task Nodes_that_refuse_or_are_down_are_reported_at_once_and_count_255()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok), ("n2", "run-not-allowed"), ("n3", ControlActor.NodeDownOutcome), ("n4", ControlActor.NoAnswer));

        var events = await EventsUntil(task.Id, "running");
        await AwaitAssertAsync(() =>
            Assert.Equal([TaskNodeState.Running, TaskNodeState.Refused, TaskNodeState.Down, TaskNodeState.Down], Stored(task.Id).Nodes.Select(n => n.State)), Wait);
        Assert.Contains("run-not-allowed", Stored(task.Id).Nodes[1].Message);
        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));
        events = await EventsUntil(task.Id, "finished");
        Assert.Equal([("n2", "refused"), ("n3", "down"), ("n4", "down"), ("", "finished")], events.Select(e => (e.Node, e.State)));
        Assert.Equal(255, events[^1].Code);
    }

    [Fact]
    public async Task An_on_that_matches_no_node_fails_the_task()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request(on: "node:nowhere"));
        await ExpectRun();
        await EventsUntil(task.Id, "failed");
        Assert.Contains("matches no node", Stored(task.Id).Message);
    }

    [Fact]
    public async Task A_node_going_down_while_it_runs_loses_the_task_there()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok), ("n2", ActionResult.Ok));
        queue.Tell(new TaskQueueActor.NodeWentDown("n2"));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));

        var events = await EventsUntil(task.Id, "finished");
        Assert.Contains(("n2", "lost"), events.Select(e => (e.Node, e.State)));
        Assert.Equal([TaskNodeState.Exited, TaskNodeState.Lost], Stored(task.Id).Nodes.Select(n => n.State));
        Assert.Equal(255, Stored(task.Id).ExitCode);
    }

    [Fact]
    public async Task An_exit_that_overtakes_the_answer_to_the_start_is_not_missed()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request());
        var run = await _control.ExpectMsgAsync<RunOn>(Wait);
        queue.Tell(new TaskQueueActor.ProcessStarted("n1", task.Id, DateTime.UtcNow));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow));
        _control.Reply(new Acted([new NodeActionResult("n1", new ActionResult(run.Process, ActionResult.Ok, ""))]));

        await EventsUntil(task.Id, "finished");
        Assert.Equal((TaskState.Finished, 0), (Stored(task.Id).State, Stored(task.Id).ExitCode));
    }

    [Fact]
    public async Task A_fold_task_tells_the_merge_to_fold_before_it_is_sent_then_which_nodes_run_it()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request(fold: true));
        // Told before the start is sent, so not even the first line of a fast command goes by unfolded.
        var early = await _merge.FishForMessageAsync<MergeActor.FoldLines>(_ => true, Wait);
        Assert.Equal((task.Process, TaskRequest.DefaultFoldWindow, 0), (early.Process, early.Window, early.Nodes.Count));
        await ExpectRun(("n1", ActionResult.Ok), ("n2", "run-not-allowed"), ("n3", ActionResult.Ok));
        var fold = await _merge.FishForMessageAsync<MergeActor.FoldLines>(_ => true, Wait);
        Assert.Equal((task.Process, TaskRequest.DefaultFoldWindow), (fold.Process, fold.Window));
        Assert.Equal(["n1", "n3"], fold.Nodes);
    }

    [Fact]
    public async Task A_per_node_limit_holds_back_a_task_on_a_full_node_not_one_for_another_node()
    {
        var queue = StartQueue();
        await queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(new TaskGroup("deploys", 10, 1)), Wait);
        var onN1 = await Submit(queue, Request(group: "deploys", on: "node:n1"));
        await ExpectRun(("n1", ActionResult.Ok));
        var againN1 = await Submit(queue, Request(group: "deploys", on: "node:n1"));
        await _control.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        queue.Tell(new TaskQueueActor.ProcessExited("n1", onN1.Id, 0, null, DateTime.UtcNow));
        Assert.Equal(againN1.Process, (await ExpectRun(("n1", ActionResult.Ok))).Process);
        var onN2 = await Submit(queue, Request(group: "deploys", on: "node:n2"));
        Assert.Equal(onN2.Process, (await ExpectRun(("n2", ActionResult.Ok))).Process);
    }

    [Fact]
    public async Task After_a_restart_running_tasks_are_lost_with_their_nodes_and_queued_ones_start()
    {
        var queue = StartQueue();
        await queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(new TaskGroup("one", 1, null)), Wait);
        var running = await Submit(queue, Request(group: "one"));
        await ExpectRun(("n1", ActionResult.Ok));
        var queued = await Submit(queue, Request(group: "one"));
        await EventsUntil(running.Id, "running");
        Watch(queue);
        Sys.Stop(queue);
        await ExpectTerminatedAsync(queue, Wait);
        _store.Dispose();

        _store = _state.Open();
        StartQueue();
        var events = await EventsUntil(running.Id, "lost");
        Assert.Equal([("n1", "lost"), ("", "lost")], events.Select(e => (e.Node, e.State)));
        var lost = Stored(running.Id);
        Assert.Equal((TaskState.Lost, TaskNodeState.Lost), (lost.State, Assert.Single(lost.Nodes).State));
        Assert.Contains("not run again", lost.Message);
        Assert.Equal(queued.Process, (await ExpectRun(("n1", ActionResult.Ok))).Process);
    }

    [Fact]
    public async Task A_change_the_store_cannot_keep_is_said_and_the_queue_carries_on_without_a_restart()
    {
        var queue = StartQueue();
        var task = await Submit(queue, Request());
        await ExpectRun(("n1", ActionResult.Ok));
        await EventsUntil(task.Id, "running");
        _store.Dispose(); // every write fails from now on

        await EventFilter.Error(contains: "the task store may not show the last change").ExpectOneAsync(async () =>
            queue.Tell(new TaskQueueActor.ProcessExited("n1", task.Id, 0, null, DateTime.UtcNow)));
        // A restart would have read the store again (and taken the running task for lost); this one still answers.
        var groups = await queue.Ask<IReadOnlyList<TaskGroup>>(new TaskQueueActor.ListGroups(), Wait);
        Assert.Contains(groups, g => g.Name == TaskRequest.DefaultGroup);
    }

    [Fact]
    public async Task A_task_that_ends_while_the_store_cannot_keep_it_still_ends_and_makes_room_for_the_next()
    {
        var queue = StartQueue();
        await queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(new TaskGroup("one", 1, null)), Wait);
        var first = await Submit(queue, Request(group: "one"));
        await ExpectRun(("n1", ActionResult.Ok));
        await Submit(queue, Request(group: "one"));
        await EventsUntil(first.Id, "running");
        _store.Dispose(); // every write fails from now on (a full disk)

        // Its exit not kept, the first task must still end (run follows it to its end event), and the second start;
        // said once, not for each change.
        await EventFilter.Error(contains: "the task store may not show the last change").ExpectOneAsync(async () =>
        {
            queue.Tell(new TaskQueueActor.ProcessExited("n1", first.Id, 0, null, DateTime.UtcNow));
            Assert.Equal(0, (await EventsUntil(first.Id, "finished")).Last().Code);
            Assert.Equal("task-t2", (await ExpectRun(("n1", ActionResult.Ok))).Process);
        });
    }

    public new void Dispose()
    {
        _state.Dispose();
        base.Dispose();
    }
}
