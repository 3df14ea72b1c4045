using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// The task queue, at /user/tasks (README, "Run a command on the fleet"). Keeps every task that is not over, starts
/// queued ones as their group has room and the tasks they run after finished with 0, and follows them on their nodes
/// until each node is done. Every change is written to the <see cref="TaskStore"/> first, then told to the stream
/// (<see cref="MergeActor.Observed"/>: queued, running, finished, cancelled, lost, failed; and per node refused, down,
/// lost, timed-out).
/// <list type="bullet">
/// <item>In, from HTTP (<see cref="TaskQueue"/>): <see cref="Submit"/>, <see cref="Cancel"/>, <see cref="SetGroup"/>, <see cref="ListGroups"/>.</item>
/// <item>In, from the task log sink (<see cref="TaskOutputWriter"/>): <see cref="ProcessStarted"/>, <see cref="ProcessExited"/>, <see cref="NodeWentDown"/>.</item>
/// <item>Out: <see cref="FleetControl.RunAsync"/> to start, <see cref="FleetControl.ActAsync"/> stop to cancel or time out;
/// <see cref="MergeActor.FoldLines"/> for a --fold task; events to the merge.</item>
/// </list>
/// At start, tasks the store says were running are lost (the aggregator stopped without seeing them end; they are never
/// rerun), and queued ones queue again. None of its messages can be serialized: no peer can send them.
/// </summary>
public sealed class TaskQueueActor : ReceiveActor, IWithTimers
{
    public const string Path = "/user/tasks";

    private readonly TaskStore _store;
    private readonly FleetControl _control;
    private readonly IActorRef _merge;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Tasks not over, by id, in id order (within a group they start in this order).
    private readonly SortedDictionary<long, ActiveTask> _active = new();
    private readonly Dictionary<string, TaskGroup> _groups = new(StringComparer.Ordinal);
    // How each task that is over ended, for the tasks that run after it.
    private readonly Dictionary<string, TaskInfo> _over = new(StringComparer.Ordinal);
    // Whether the last change could not be kept (see Keep).
    private bool _storeFailing;

    public TaskQueueActor(TaskStore store, FleetControl control, IActorRef merge)
    {
        _store = store;
        _control = control;
        _merge = merge;
        Receive<Submit>(OnSubmit);
        Receive<Cancel>(OnCancel);
        Receive<SetGroup>(OnSetGroup);
        Receive<ListGroups>(_ => Sender.Tell(GroupsNow()));
        Receive<RunAnswered>(OnRunAnswered);
        Receive<ProcessStarted>(OnStarted);
        Receive<ProcessExited>(OnExited);
        Receive<NodeWentDown>(OnNodeDown);
        Receive<TimeoutDue>(OnTimeout);
        Receive<StopAnswered>(OnStopAnswered);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TaskStore store, FleetControl control, IActorRef merge) =>
        Akka.Actor.Props.Create(() => new TaskQueueActor(store, control, merge));

    /// <summary>Queue a task: answered with its <see cref="TaskInfo"/>, or <see cref="Refused"/> (an --after id that is no task).</summary>
    public sealed record Submit(TaskRequest Request);

    /// <summary>Cancel a task: answered with its <see cref="TaskInfo"/>, <see cref="Unknown"/>, or <see cref="Refused"/> when it is over.</summary>
    public sealed record Cancel(string Id);

    /// <summary>Set a group's limits: answered with the <see cref="TaskGroup"/>.</summary>
    public sealed record SetGroup(TaskGroup Group);

    /// <summary>Answered with every group set, used by a task not over, or "default": <c>IReadOnlyList&lt;TaskGroup&gt;</c>, by name.</summary>
    public sealed record ListGroups;

    public sealed record Refused(string Message);

    public sealed record Unknown;

    /// <summary>From the stream: the task's process started on the node.</summary>
    public sealed record ProcessStarted(string Node, string Id, DateTime At);

    /// <summary>From the stream: the task's process on the node exited (exactly one of code and signal).</summary>
    public sealed record ProcessExited(string Node, string Id, int? Code, int? Signal, DateTime At);

    /// <summary>From the stream: the aggregator saw the node leave or fall silent.</summary>
    public sealed record NodeWentDown(string Node);

    private sealed record RunAnswered(long Seq, Acted? Acted, Exception? Failure);

    private sealed record TimeoutDue(long Seq);

    private sealed record StopAnswered(string Id, string Node, Acted? Acted, Exception? Failure);

    // A restart would read the store again and take every running task for lost while it still runs: a change the store
    // could not keep (a full disk, say) is said, and the queue carries on with what it holds in memory.
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _log.Error("The task queue failed on {0} ({1}: {2}); the task store may not show the last change. Check that --state-dir has room and is writable.",
                message.GetType().Name, e.GetType().Name, e.Message);
            return true;
        }
    }

    protected override void PreStart()
    {
        foreach (var group in _store.Groups()) _groups[group.Name] = group;
        var now = DateTime.UtcNow;
        foreach (var task in _store.Tasks())
        {
            if (task.State.IsEnd())
            {
                _over[task.Id] = task;
                continue;
            }
            var active = new ActiveTask(task);
            foreach (var node in task.Nodes) active.Nodes[node.Node] = node;
            var seq = TaskStore.SeqOf(task.Id)!.Value;
            if (task.State == TaskState.Queued)
            {
                _active[seq] = active;
                continue;
            }
            // Running when the aggregator stopped: whatever happened since is unknown, so it is lost, never run again.
            foreach (var node in active.RunningNodes.ToArray())
            {
                active.Nodes[node] = active.Nodes[node] with { State = TaskNodeState.Lost, EndedAt = now, Message = "the aggregator stopped while it ran here; what it printed until then is kept" };
                Event(node, active.Info, "lost", null, active.Nodes[node].Message);
            }
            End(active, TaskState.Lost, $"the aggregator stopped while it ran (killed or crashed); it is not run again. What it printed is kept: queue logs {task.Id}.");
        }
        Schedule();
    }

    private void OnSubmit(Submit submit)
    {
        var request = submit.Request;
        foreach (var after in request.After)
            if (TaskStore.SeqOf(after) is not { } seq || (!_active.ContainsKey(seq) && !_over.ContainsKey(after)))
            {
                Sender.Tell(new Refused($"--after {after}: there is no task {after}. List the tasks with queue list (GET /api/tasks)."));
                return;
            }
        var task = _store.Add(request, DateTime.UtcNow);
        _active[TaskStore.SeqOf(task.Id)!.Value] = new ActiveTask(task);
        Event("", task, "queued", null, "");
        Sender.Tell(task);
        Schedule();
    }

    private void OnCancel(Cancel cancel)
    {
        if (TaskStore.SeqOf(cancel.Id) is not { } seq || !_active.TryGetValue(seq, out var task))
        {
            Sender.Tell(_over.TryGetValue(cancel.Id, out var over)
                ? new Refused($"{cancel.Id} is already over ({over.State.Name()}): there is nothing to cancel.")
                : new Unknown());
            return;
        }
        if (task.Queued)
        {
            End(task, TaskState.Cancelled, "cancelled before it started");
            Sender.Tell(_over[cancel.Id]);
            Schedule();
            return;
        }
        task.StopAs ??= TaskNodeState.Cancelled;
        foreach (var node in task.RunningNodes) Stop(task, node);
        Sender.Tell(task.Snapshot());
    }

    private void OnSetGroup(SetGroup set)
    {
        _groups[set.Group.Name] = set.Group;
        _store.SaveGroup(set.Group);
        Sender.Tell(set.Group);
        Schedule();
    }

    private IReadOnlyList<TaskGroup> GroupsNow()
    {
        var names = _groups.Keys.Concat(_active.Values.Select(t => t.Info.Request.Group)).Append(TaskRequest.DefaultGroup);
        return names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(GroupOf).ToArray();
    }

    private TaskGroup GroupOf(string name) => _groups.TryGetValue(name, out var group) ? group : TaskGroup.DefaultFor(name);

    /// <summary>
    /// Fails queued tasks whose --after went wrong, then starts, group by group and in id order, each task whose --after
    /// all finished with 0 while its group has room. A task that waits for room holds back the later ones of its group
    /// (so many small tasks cannot starve a big one); one that waits for --after does not.
    /// </summary>
    private void Schedule()
    {
        foreach (var task in _active.Values.Where(t => t.Queued).ToArray())
            if (FailedDependency(task) is { } why) End(task, TaskState.Failed, why);

        var full = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (seq, task) in _active.ToArray())
        {
            var groupName = task.Info.Request.Group;
            if (!task.Queued || full.Contains(groupName) || !task.Info.Request.After.All(FinishedWithZero)) continue;
            var running = _active.Values.Where(t => t.Info.Request.Group == groupName && !t.Queued).ToArray();
            if (GroupRoom.Fits(GroupOf(groupName), running, task)) Start(seq, task);
            else full.Add(groupName);
        }
    }

    private bool FinishedWithZero(string id) => _over.TryGetValue(id, out var over) && over.State == TaskState.Finished && over.ExitCode == 0;

    private string? FailedDependency(ActiveTask task)
    {
        foreach (var id in task.Info.Request.After)
        {
            if (!_over.TryGetValue(id, out var over) || FinishedWithZero(id)) continue;
            var how = over.State switch
            {
                TaskState.Finished => $"finished with exit code {over.ExitCode}",
                TaskState.Failed => "failed without starting",
                _ => $"ended {over.State.Name()}",
            };
            return $"never started: {id}, which it runs after (--after), {how}, not with 0.";
        }
        return null;
    }

    private void Start(long seq, ActiveTask task)
    {
        var now = DateTime.UtcNow;
        task.Starting = true;
        // Written as running before anything is sent: an aggregator killed now finds it lost, never runs it twice.
        task.Info = task.Info with { State = TaskState.Running, StartedAt = now };
        Keep(task.Snapshot());
        // Before the task is sent: a fast command's lines can reach the merge before its nodes' answers reach here.
        Fold(task, []);
        _control.RunAsync(task.Info.Process, ShellWords.Join(task.Info.Request.Command), task.On)
            .PipeTo(Self, success: acted => new RunAnswered(seq, acted, null), failure: e => new RunAnswered(seq, null, e));
        if (task.Info.Request.Timeout is { } timeout) Timers.StartSingleTimer(seq, new TimeoutDue(seq), timeout);
    }

    // For a --fold task, the merge folds its lines: first with no nodes (not known yet), then with the nodes that run it
    // (none ends folding it). See MergeActor.FoldLines.
    private void Fold(ActiveTask task, IReadOnlyCollection<string> nodes)
    {
        if (task.Info.Request.Fold) _merge.Tell(new MergeActor.FoldLines(task.Info.Process, nodes, task.Info.Request.FoldWindow));
    }

    private void OnRunAnswered(RunAnswered answered)
    {
        if (!_active.TryGetValue(answered.Seq, out var task)) return;
        task.Starting = false;
        var now = DateTime.UtcNow;
        if (answered.Acted is not { } acted)
        {
            Fold(task, []);
            End(task, TaskState.Finished, $"the aggregator's control plane did not answer ({answered.Failure?.Message}); it may have started on some nodes. " +
                                          "Check with ctl ps; if it persists, the aggregator is overloaded.");
            Schedule();
            return;
        }
        if (acted.Results.Count == 0)
        {
            Fold(task, []);
            End(task, TaskState.Failed, $"never started: --on \"{PrintableText.Quote(task.Info.Request.On)}\" matches no node the aggregator knows. " +
                                        "List the nodes with ctl ps (GET /api/nodes), or give another --on.");
            Schedule();
            return;
        }
        foreach (var (node, result) in acted.Results)
            task.Nodes[node] = result.Outcome switch
            {
                ActionResult.Ok => new TaskNodeInfo(node, TaskNodeState.Running, now, null, null, null, ""),
                ControlActor.NodeDownOutcome or ControlActor.NoAnswer => new TaskNodeInfo(node, TaskNodeState.Down, null, now, null, null, result.Message),
                _ => new TaskNodeInfo(node, TaskNodeState.Refused, null, now, null, null, $"{result.Outcome}: {result.Message}"),
            };
        Keep(task.Snapshot());
        Event("", task.Info, "running", null, "");
        foreach (var node in task.Nodes.Values.Where(n => n.State is TaskNodeState.Down or TaskNodeState.Refused))
            Event(node.Node, task.Info, node.State.Name(), null, node.Message);
        Fold(task, task.RunningNodes.ToArray());
        foreach (var early in task.Early) Self.Tell(early);
        task.Early.Clear();
        if (task.StopAs is not null)
            foreach (var node in task.RunningNodes) Stop(task, node);
        if (!EndIfAllNodesOver(task)) Schedule(); // its nodes are known now: a group with a per-node limit may have room
    }

    private void OnStarted(ProcessStarted started)
    {
        if (Find(started.Id) is not { } task) return;
        if (task.Starting)
        {
            task.Early.Add(started);
            return;
        }
        if (!task.RunsOn(started.Node)) return;
        task.Nodes[started.Node] = task.Nodes[started.Node] with { StartedAt = started.At };
        Keep(task.Snapshot());
    }

    private void OnExited(ProcessExited exited)
    {
        if (Find(exited.Id) is not { } task) return;
        if (task.Starting)
        {
            task.Early.Add(exited);
            return;
        }
        if (!task.RunsOn(exited.Node)) return;
        var state = task.StopAs ?? TaskNodeState.Exited;
        var message = state switch
        {
            TaskNodeState.TimedOut => $"still running at --timeout {task.Info.Request.Timeout?.TotalSeconds:0.###}s: stopped",
            TaskNodeState.Cancelled => "cancelled: stopped",
            _ => "",
        };
        task.Nodes[exited.Node] = task.Nodes[exited.Node] with
        {
            State = state, EndedAt = exited.At, ExitCode = exited.Code, Signal = exited.Signal, Message = message,
        };
        Keep(task.Snapshot());
        if (state == TaskNodeState.TimedOut) Event(exited.Node, task.Info, state.Name(), null, message);
        EndIfAllNodesOver(task);
    }

    private void OnNodeDown(NodeWentDown down)
    {
        // A node that answered ok may go down before its answer is in: heard again once it is.
        foreach (var task in _active.Values.Where(t => t.Starting)) task.Early.Add(down);
        foreach (var task in _active.Values.Where(t => t.RunsOn(down.Node)).ToArray())
        {
            var message = $"node {down.Node} went down while it ran; what it printed until then is kept (queue logs {task.Info.Id})";
            task.Nodes[down.Node] = task.Nodes[down.Node] with { State = TaskNodeState.Lost, EndedAt = DateTime.UtcNow, Message = message };
            Keep(task.Snapshot());
            Event(down.Node, task.Info, "lost", null, message);
            EndIfAllNodesOver(task);
        }
    }

    private void OnTimeout(TimeoutDue due)
    {
        if (!_active.TryGetValue(due.Seq, out var task)) return;
        task.StopAs ??= TaskNodeState.TimedOut;
        foreach (var node in task.RunningNodes) Stop(task, node);
    }

    private void Stop(ActiveTask task, string node)
    {
        var (id, process) = (task.Info.Id, task.Info.Process);
        _control.ActAsync(ControlVerb.Stop, Selector.Parse($"node:{node} {process}"), "")
            .PipeTo(Self, success: acted => new StopAnswered(id, node, acted, null), failure: e => new StopAnswered(id, node, null, e));
    }

    // A stop that did not reach the process leaves it running there: said once, where a person reads it.
    private void OnStopAnswered(StopAnswered answered)
    {
        var outcome = answered.Acted?.Results.FirstOrDefault()?.Result;
        if (outcome?.Outcome == ActionResult.Ok) return;
        _log.Warning("Stopping task {0} on node {1} did not work ({2}); it may still run there. Stop it with ctl stop \"node:{1} task-{0}\".",
            answered.Id, answered.Node, outcome?.Message ?? answered.Failure?.Message ?? "the node knows no such process");
    }

    /// <summary>Ends the task once no node runs it, and starts what that made room for; false while some node still runs it.</summary>
    private bool EndIfAllNodesOver(ActiveTask task)
    {
        if (!task.AllNodesOver) return false;
        if (task.StopAs == TaskNodeState.Cancelled) End(task, TaskState.Cancelled, "cancelled while it ran");
        else End(task, TaskState.Finished, "");
        Schedule();
        return true;
    }

    /// <summary>The task is over: kept, told, and no longer active.</summary>
    private void End(ActiveTask task, TaskState state, string message)
    {
        var seq = TaskStore.SeqOf(task.Info.Id)!.Value;
        Timers.Cancel(seq);
        var snapshot = task.Snapshot();
        var ended = snapshot with { State = state, EndedAt = DateTime.UtcNow, Message = message, ExitCode = TaskExitCode.Of(state, snapshot.Nodes) };
        Keep(ended);
        _active.Remove(seq);
        _over[ended.Id] = ended;
        Event("", ended, state.Name(), ended.ExitCode, message);
    }

    // A change the store cannot keep (a full disk) is said, and the queue goes on as if it were kept: a task whose end
    // could not be written still ends, so its group makes room, the tasks after it start and run sees its end event.
    // Said once until a change is kept again, not once per line of every task.
    private void Keep(TaskInfo task)
    {
        try
        {
            _store.Save(task);
            _storeFailing = false;
        }
        catch (Exception e)
        {
            if (_storeFailing) return;
            _storeFailing = true;
            _log.Error("The task queue could not keep {0} ({1}: {2}); the task store may not show the last change. Check that --state-dir has room and is writable.",
                task.Id, e.GetType().Name, e.Message);
        }
    }

    private ActiveTask? Find(string id) => TaskStore.SeqOf(id) is { } seq && _active.TryGetValue(seq, out var task) ? task : null;

    private void Event(string node, TaskInfo task, string state, int? code, string detail) =>
        _merge.Tell(new MergeActor.Observed(new OutputItem(node, NodeRecord.Task(task.Process, state, code, detail, DateTime.UtcNow))));
}
