using Akka.Actor;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Control;

/// <summary>
/// The control plane's aggregator end. Keeps the <see cref="FleetDirectory"/> up to date from the nodes' tables,
/// answers <see cref="Act"/> by asking every up node the selector may match (<see cref="ControlRequest"/>) and
/// gathering their replies within control-timeout, answers <see cref="RunOn"/> the same way with a <see cref="RunTask"/>
/// to every up node the node selector matches, and tells each node how the other nodes' processes it waits for
/// stand (<see cref="RemoteProcesses"/>).
/// <list type="bullet">
/// <item>In, from the ingest (which checked the session key): <see cref="NodeJoined"/>, <see cref="NodeDown"/>,
/// <see cref="NodeForgotten"/>, <see cref="TableReceived"/>, <see cref="ReplyReceived"/>. None of them can be
/// serialized: no peer can send them here.</item>
/// <item>In, from HTTP and the task queue: <see cref="Act"/> and <see cref="RunOn"/>, answered with <see cref="Acted"/>
/// (a <see cref="RunOn"/> whose node selector holds a process term with a failure carrying the <see cref="SelectorException"/>).</item>
/// </list>
/// Request ids are this actor's own, so a reply to a request that timed out (or was never made) is dropped.
/// </summary>
public sealed class ControlActor : ReceiveActor, IWithTimers
{
    public const string NoAnswer = "no-answer";
    public const string NodeDownOutcome = "node-down";

    private readonly FleetDirectory _directory;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Gathering> _gatherings = new();
    private readonly RemoteDependencies _dependencies;
    private long _lastId;

    public ControlActor(FleetDirectory directory, TimeSpan timeout)
    {
        _directory = directory;
        _timeout = timeout;
        _dependencies = new RemoteDependencies(directory);
        Receive<NodeJoined>(OnJoined);
        Receive<NodeDown>(OnDown);
        Receive<NodeForgotten>(OnForgotten);
        Receive<TableReceived>(OnTable);
        Receive<ReplyReceived>(OnReply);
        Receive<Act>(OnAct);
        Receive<RunOn>(OnRunOn);
        Receive<GatheringDue>(due => Finish(due.Id));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(FleetDirectory directory, TimeSpan timeout) => Akka.Actor.Props.Create(() => new ControlActor(directory, timeout));

    /// <summary>
    /// From the ingest: the node joined (again); requests go to <paramref name="Uplink"/> with <paramref name="SessionKey"/>.
    /// <paramref name="Labels"/> are the node's own (its --labels), what a task's node selector matches.
    /// </summary>
    public sealed record NodeJoined(string Node, IActorRef Uplink, string SessionKey, IReadOnlyDictionary<string, string> Labels);

    /// <summary>From the ingest: the node left or fell silent. Its table stays (what it ran is still worth showing) but nothing is sent to it.</summary>
    public sealed record NodeDown(string Node);

    /// <summary>From the ingest: the node is forgotten; its processes exist nowhere now.</summary>
    public sealed record NodeForgotten(string Node);

    /// <summary>From the ingest: a <see cref="ProcessTable"/> with the node's current session key.</summary>
    public sealed record TableReceived(string Node, IReadOnlyList<ProcessInfo> Processes);

    /// <summary>From the ingest: a <see cref="ControlReply"/> with the node's current session key.</summary>
    public sealed record ReplyReceived(string Node, long Id, IReadOnlyList<ActionResult> Results);

    private sealed record GatheringDue(long Id);

    private sealed class Link(IActorRef uplink, string sessionKey)
    {
        public IActorRef Uplink { get; } = uplink;
        public string SessionKey { get; } = sessionKey;
        public bool Up { get; set; } = true;
    }

    /// <summary>
    /// One action's (or task's) answers so far, and the nodes still to answer. <paramref name="affected"/> names what a
    /// node's result stands for when the node cannot answer: the processes of its last table the selector matches, or
    /// the task's one process; <paramref name="task"/> says which, for the messages.
    /// </summary>
    private sealed class Gathering(IActorRef requester, Func<string, IEnumerable<string>> affected, bool task)
    {
        public IActorRef Requester { get; } = requester;
        public Func<string, IEnumerable<string>> Affected { get; } = affected;
        public bool Task { get; } = task;
        public HashSet<string> Awaiting { get; } = new(StringComparer.Ordinal);
        public List<NodeActionResult> Results { get; } = [];
    }

    private void OnJoined(NodeJoined joined)
    {
        _links[joined.Node] = new Link(joined.Uplink, joined.SessionKey);
        _directory.SetLabels(joined.Node, joined.Labels);
        _dependencies.Forget(joined.Node);
        TellDependencies();
    }

    private void OnDown(NodeDown down)
    {
        if (!_links.TryGetValue(down.Node, out var link) || !link.Up) return;
        link.Up = false;
        // Whoever waits for its answer hears now that it is down, rather than at the timeout that it did not answer.
        foreach (var (id, gathering) in _gatherings.ToArray())
            if (gathering.Awaiting.Remove(down.Node))
            {
                AddMatched(gathering, down.Node, NodeDownOutcome, gathering.Task
                    ? $"node {down.Node} went down before it answered; the task may or may not have started there, and does not run there when it is back."
                    : $"node {down.Node} went down before it answered; it acts when it is back and asked again.");
                if (gathering.Awaiting.Count == 0) Finish(id);
            }
        TellDependencies();
    }

    private void OnForgotten(NodeForgotten forgotten)
    {
        _links.Remove(forgotten.Node);
        _directory.Forget(forgotten.Node);
        TellDependencies();
    }

    private void OnTable(TableReceived table)
    {
        _directory.Update(table.Node, table.Processes);
        TellDependencies();
    }

    private void OnReply(ReplyReceived reply)
    {
        if (!_gatherings.TryGetValue(reply.Id, out var gathering) || !gathering.Awaiting.Remove(reply.Node)) return;
        foreach (var result in reply.Results) gathering.Results.Add(new NodeActionResult(reply.Node, result));
        if (gathering.Awaiting.Count == 0) Finish(reply.Id);
    }

    private void OnAct(Act act)
    {
        var id = ++_lastId;
        var gathering = new Gathering(Sender,
            node => _directory.Of(node).Where(process => act.Selector.Matches(node, process)).Select(process => process.Name), task: false);
        foreach (var (node, link) in _links.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (!act.Selector.MayMatchNode(node)) continue;
            if (link.Up)
            {
                link.Uplink.Tell(new ControlRequest(id, act.Verb, act.Selector.Text, act.Argument, link.SessionKey));
                gathering.Awaiting.Add(node);
            }
            else AddMatched(gathering, node, NodeDownOutcome, $"node {node} is down; start it again, then repeat the action.");
        }
        Gather(id, gathering);
    }

    private void OnRunOn(RunOn run)
    {
        try
        {
            run.On.RequireNodeTerms();
        }
        catch (SelectorException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }
        var id = ++_lastId;
        var gathering = new Gathering(Sender, _ => [run.Process], task: true);
        foreach (var (node, link) in _links.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (!run.On.MatchesNode(node, _directory.LabelsOf(node))) continue;
            if (link.Up)
            {
                link.Uplink.Tell(new RunTask(id, run.Process, run.Command, link.SessionKey));
                gathering.Awaiting.Add(node);
            }
            else AddMatched(gathering, node, NodeDownOutcome, $"node {node} is down, so the task did not run there; start the node again, then run the task again.");
        }
        Gather(id, gathering);
    }

    private void Gather(long id, Gathering gathering)
    {
        _gatherings[id] = gathering;
        if (gathering.Awaiting.Count == 0) Finish(id);
        else Timers.StartSingleTimer(id, new GatheringDue(id), _timeout);
    }

    /// <summary>Answers the action with what it has: a node still awaited did not answer in time.</summary>
    private void Finish(long id)
    {
        if (!_gatherings.Remove(id, out var gathering)) return;
        Timers.Cancel(id);
        foreach (var node in gathering.Awaiting)
            AddMatched(gathering, node, NoAnswer,
                $"node {node} did not answer within {_timeout.TotalSeconds:0.#} s; the {(gathering.Task ? "task may or may not have started" : "action may or may not have happened")} there. " +
                "Check its state with ctl ps, or raise chorus.aggregator.control-timeout.");
        var ordered = gathering.Results.OrderBy(r => r.Node, StringComparer.Ordinal).ThenBy(r => r.Result.Process, StringComparer.Ordinal).ToArray();
        gathering.Requester.Tell(new Acted(ordered));
    }

    /// <summary>One result with <paramref name="outcome"/> for each process the node's result stands for (<see cref="Gathering.Affected"/>).</summary>
    private static void AddMatched(Gathering gathering, string node, string outcome, string message)
    {
        foreach (var process in gathering.Affected(node))
            gathering.Results.Add(new NodeActionResult(node, new ActionResult(process, outcome, message)));
    }

    private void TellDependencies()
    {
        foreach (var (node, link) in _links)
        {
            if (!link.Up) continue;
            if (_dependencies.Changed(node, IsUp) is { } processes)
                link.Uplink.Tell(new RemoteProcesses(link.SessionKey, processes));
        }
    }

    private bool IsUp(string node) => _links.TryGetValue(node, out var link) && link.Up;
}
