using Akka.Actor;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using Chorus.Node.Instances;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;
using Chorus.Node.Uplink;

namespace Chorus.Node;

/// <summary>
/// The node agent's root, at /user/node: parent of the uplink and of one <see cref="InstanceActor"/> per process
/// instance (NAME, or NAME.1..NAME.N with replicas), owner of the stop order, the verbs, the process table and
/// the exit code (<see cref="ExitPolicy"/>).
/// <list type="bullet">
/// <item>In, from the host: <see cref="StopProcesses"/> (stop-signal now, SIGKILL after stop-grace), <see cref="KillProcesses"/>.</item>
/// <item>In, from the instances: <see cref="InstanceActor.Changed"/>, <see cref="InstanceActor.Ended"/>. Out:
/// <see cref="InstanceActor.Shutdown"/>, <see cref="InstanceActor.Kill"/>, <see cref="InstanceActor.Peers"/>, the
/// verbs, <see cref="InstanceActor.Retire"/> (scaled down), and <see cref="InstanceActor.EndGroups"/> once none runs
/// or will run again.</item>
/// <item>In, from the uplink: <see cref="UplinkActor.Joined"/> (the instances start then, or after wait-for-join without it),
/// <see cref="UplinkActor.Refused"/> (stop everything, exit <see cref="ExitCodes.Refused"/>),
/// <see cref="UplinkActor.LinesRefused"/>, <see cref="UplinkActor.Drained"/>, <see cref="UplinkActor.ControlRequested"/>,
/// <see cref="UplinkActor.TaskRequested"/>, <see cref="UplinkActor.RemoteProcessesChanged"/>. Out: <see cref="UplinkActor.PublishTable"/> (bursts of changes
/// coalesced), <see cref="UplinkActor.Answer"/>, <see cref="ProcessScaled"/>, and <see cref="UplinkActor.Drain"/>
/// once every instance has ended.</item>
/// <item>Out, to the host: the exit code, once drained (or refused). The host ends the process; no actor does.</item>
/// </list>
/// When the node ends by itself is <c>exit-on</c>'s (README, "Exit policy"). A task (<see cref="RunTask"/>, only with
/// --allow-run) runs as a one-off instance that never restarts and leaves the table once its run has ended; tasks never
/// decide when the node ends, and a node with nothing but tasks to run (a pure task agent) ends only when stopped.
/// </summary>
public sealed class NodeActor : ReceiveActor, IWithTimers
{
    // Changes closer together than this go out as one table.
    private static readonly TimeSpan TableDelay = TimeSpan.FromMilliseconds(50);
    // Under the aggregator's wait for a node's answer, so what did answer reaches it before it gives up on the rest.
    private static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(4);

    private readonly string _name;
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly ProcessProps _process;
    private readonly TaskCompletionSource<int> _exitCode;
    private readonly ExitPolicy _exit;
    private readonly bool _allowRun;
    // Tasks started but not yet answered: the request to answer once the run has started (or could not).
    private readonly Dictionary<string, long> _taskAnswers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ProcessSpec Spec, int Index)> _specs = new();
    private readonly Dictionary<string, int> _replicas = new();
    private readonly Dictionary<string, Instance> _instances = new();
    private IReadOnlyList<NodeProcess> _remote = [];
    private int _generation;
    private bool _stopping;
    private bool _processesStarted;
    private bool _endingGroups;

    /// <param name="name">This node's name: what selectors' node: terms match.</param>
    /// <param name="uplink">The uplink's props: it is started as this actor's child, and tells it of a refusal.</param>
    /// <param name="process">Props of the actor that runs an instance once, given the uplink to feed.</param>
    /// <param name="allowRun">--allow-run: whether the node runs tasks the aggregator sends (<see cref="RunTask"/>).</param>
    public NodeActor(string name, IReadOnlyList<ProcessSpec> processes, Props uplink, ProcessProps process, NodeSettings settings,
        TaskCompletionSource<int> exitCode, bool allowRun)
    {
        _name = name;
        _settings = settings;
        _process = process;
        _exitCode = exitCode;
        _allowRun = allowRun;
        // A pure task agent (nothing of its own to run) waits for tasks until it is stopped, whatever --exit-on says.
        _exit = new ExitPolicy(processes.Count == 0 ? ExitOn.Never : settings.ExitOn);
        _uplink = Context.ActorOf(uplink, "uplink");
        for (var i = 0; i < processes.Count; i++)
        {
            _specs[processes[i].Name] = (processes[i], i);
            _replicas[processes[i].Name] = processes[i].Replicas;
        }
        if (settings.WaitForJoin == TimeSpan.Zero) StartProcesses();
        else Timers.StartSingleTimer("join", new JoinWaitOver(), settings.WaitForJoin);

        Receive<UplinkActor.Joined>(_ => StartProcesses());
        Receive<JoinWaitOver>(_ => StartProcesses());
        Receive<StopProcesses>(_ => Stop());
        Receive<KillProcesses>(_ => Kill());
        Receive<InstanceActor.Changed>(OnChanged);
        Receive<InstanceActor.Ended>(OnEnded);
        Receive<PublishDue>(_ => _uplink.Tell(new UplinkActor.PublishTable(Table())));
        Receive<UplinkActor.ControlRequested>(requested => OnControl(requested.Request));
        Receive<UplinkActor.TaskRequested>(requested => OnTask(requested.Request));
        Receive<UplinkActor.RemoteProcessesChanged>(OnRemoteProcessesChanged);
        Receive<UplinkActor.Refused>(OnRefused);
        Receive<UplinkActor.LinesRefused>(refused =>
            Notice.Error($"the aggregator at {refused.Aggregator} refuses this node's lines: {refused.Reason}"));
        Receive<UplinkActor.Drained>(OnDrained);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the actor that runs instance <paramref name="instance"/> of <paramref name="spec"/> (its place <paramref name="index"/> among the node's specs) once.</summary>
    public delegate Props ProcessProps(ProcessSpec spec, string instance, int index, long firstSeq, IActorRef uplink);

    public static Props Props(string name, IReadOnlyList<ProcessSpec> processes, Props uplink, ProcessProps process, NodeSettings settings,
        TaskCompletionSource<int> exitCode, bool allowRun) =>
        Akka.Actor.Props.Create(() => new NodeActor(name, processes, uplink, process, settings, exitCode, allowRun));

    /// <summary>Graceful stop: each instance's stop-signal now, SIGKILL after its stop-grace.</summary>
    public sealed record StopProcesses;

    /// <summary>Stop now (a second Ctrl-C): SIGKILL every process group.</summary>
    public sealed record KillProcesses;

    /// <summary>To the uplink: a <c>scaled</c> event, <paramref name="Process"/> (the spec's name) now has <paramref name="Replicas"/> instances.</summary>
    public sealed record ProcessScaled(string Process, int Replicas);

    private sealed record PublishDue;
    private sealed record JoinWaitOver;

    private sealed class Instance(IActorRef actor, ProcessInfo info, bool task)
    {
        public IActorRef Actor { get; } = actor;
        public ProcessInfo Info { get; set; } = info;
        public bool Retiring { get; set; }

        /// <summary>A task's one-off instance: it never decides when the node ends, and leaves once its run has ended.</summary>
        public bool Task { get; } = task;
    }

    // A node with nothing of its own to run (a pure task agent) must still say so: the aggregator then knows it has no process.
    protected override void PreStart() => TableChanged();

    // The children are reachable by path from any peer, like the top-level actors: a Kill from outside is resisted the same way.
    protected override SupervisorStrategy SupervisorStrategy() => new KillResistantGuardianStrategy().Create();

    /// <summary>
    /// Once, when the uplink has joined or wait-for-join ran out: a line stamped before the aggregator knew this node
    /// would be older than what it already wrote of the others, and come out late. Not after a stop (Ctrl-C, a refused join).
    /// </summary>
    private void StartProcesses()
    {
        Timers.Cancel("join");
        if (_processesStarted || Ending) return;
        _processesStarted = true;
        foreach (var (spec, _) in _specs.Values.OrderBy(s => s.Index))
            for (var k = 1; k <= spec.Replicas; k++) Add(spec, k);
    }

    /// <summary>
    /// Instance <paramref name="number"/> of a spec is NAME.number, but for the first of a spec written with one
    /// replica: plain NAME, which it keeps when scaled up (NAME, NAME.2, NAME.3).
    /// </summary>
    private static string InstanceName(ProcessSpec spec, int number) => number == 1 && spec.Replicas == 1 ? spec.Name : $"{spec.Name}.{number}";

    private void Add(ProcessSpec spec, int number) => Add(spec, InstanceName(spec, number), _specs[spec.Name].Index, task: false);

    private void Add(ProcessSpec spec, string name, int index, bool task)
    {
        var actor = Context.ActorOf(
            InstanceActor.Props(spec, name, ProcessEnvironment.For(spec, name, index, _name), _uplink, _settings, (s, instance, firstSeq, uplink) => _process(s, instance, index, firstSeq, uplink)),
            // Unique even while an instance of the same name, scaled down, is still stopping.
            $"{name}-{++_generation}");
        // Until it reports, it counts as about to run: the node must not end before its first report.
        _instances[name] = new Instance(actor, Unstarted(spec) with { Name = name }, task);
    }

    /// <summary>How an instance of <paramref name="spec"/> stands before its first report: about to run.</summary>
    private static ProcessInfo Unstarted(ProcessSpec spec) =>
        new(spec.Name, spec.Name, ProcessState.Waiting, false, 0, 0, default, null, null, spec.Stdin, spec.Groups, spec.Labels, []);

    private IReadOnlyList<ProcessInfo> Table() => _instances.Values.Select(i => i.Info).ToArray();

    private void TableChanged()
    {
        if (!Timers.IsTimerActive("table")) Timers.StartSingleTimer("table", new PublishDue(), TableDelay);
        TellWaiting();
    }

    private void TellWaiting()
    {
        var local = Table();
        foreach (var instance in _instances.Values.Where(i => i.Info.State == ProcessState.Waiting))
            instance.Actor.Tell(new InstanceActor.Peers(local, _remote));
    }

    private void OnChanged(InstanceActor.Changed changed)
    {
        if (!_instances.TryGetValue(changed.Info.Name, out var instance) || !instance.Actor.Equals(Sender)) return;
        instance.Info = changed.Info;
        TableChanged();
        if (instance.Task)
        {
            OnTaskChanged(instance, changed);
            return;
        }
        if (changed.End is { Stopped: false } end && !instance.Retiring && _exit.ProcessFinished(end.ExitCode, end.Signal))
        {
            Notice.Write($"\"{changed.Info.Name}\" has ended and --exit-on is {ExitOnName}: stopping the rest.");
            Stop();
        }
        EndIfIdle();
    }

    private string ExitOnName => _exit.ExitOn == ExitOn.FirstExit ? "first-exit" : "failure";

    private void OnRemoteProcessesChanged(UplinkActor.RemoteProcessesChanged changed)
    {
        _remote = changed.Processes;
        TellWaiting();
    }

    /// <summary>Once nothing runs or will run again (and the policy ends the node then), the groups are ended, then the uplink drained.</summary>
    private void EndIfIdle()
    {
        if (_endingGroups || !_exit.EndsWhenIdle) return;
        if (_instances.Values.Any(i => !i.Task && i.Info.State is ProcessState.Waiting or ProcessState.Running or ProcessState.Restarting)) return;
        _endingGroups = true;
        // A task still running is stopped as a scaled-down instance is: its exit is reported, then its group ended.
        foreach (var instance in _instances.Values)
            if (!instance.Task) instance.Actor.Tell(new InstanceActor.EndGroups());
            else if (!instance.Retiring) Retire(instance);
        if (_instances.Count == 0) AfterGroupsEnded();
    }

    private void OnEnded(InstanceActor.Ended ended)
    {
        if (!_instances.TryGetValue(ended.Instance, out var instance) || !instance.Actor.Equals(Sender)) return;
        _instances.Remove(ended.Instance);
        if (_endingGroups)
        {
            if (_instances.Count == 0) AfterGroupsEnded();
            return;
        }
        TableChanged();
        EndIfIdle();
    }

    private void AfterGroupsEnded()
    {
        if (_exit.Refused) Finish(_exit.ExitCode());
        else _uplink.Tell(new UplinkActor.Drain());
    }

    private void OnRefused(UplinkActor.Refused refused)
    {
        // The reason says how to fix it: the aggregator knows why it refused.
        Notice.Error($"the aggregator at {refused.Aggregator} refused this node: {refused.Reason}");
        _exit.RefusedByAggregator();
        if (_instances.Count == 0) Finish(_exit.ExitCode());
        else Stop();
    }

    private void Stop()
    {
        if (!_stopping)
        {
            _stopping = true;
            _exit.Stopping();
            var running = _instances.Values.Count(i => i.Info.State == ProcessState.Running);
            if (running > 0)
                Notice.Write($"stopping {running} process(es): their stop-signal (SIGTERM unless the spec says), SIGKILL after " +
                             $"their stop-grace ({_settings.StopGrace.TotalSeconds:0.#} s unless the spec says).");
        }
        // Exited ones too: something of their group may still run.
        foreach (var instance in _instances.Values) instance.Actor.Tell(new InstanceActor.Shutdown());
        EndIfIdle();
    }

    private void Kill()
    {
        Stop();
        foreach (var instance in _instances.Values) instance.Actor.Tell(new InstanceActor.Kill());
    }

    private void OnDrained(UplinkActor.Drained drained)
    {
        if (drained.UndeliveredRecords > 0)
        {
            var lost = drained.UndeliveredRecords - drained.SpooledRecords;
            // Spooled, they are late, not lost: a warning. Lost, someone must know: an error.
            Notice.Write(lost == 0 ? NoticeLevel.Warning : NoticeLevel.Error,
                $"{drained.UndeliveredRecords} lines and events were not acknowledged by the aggregator before the " +
                $"{_settings.DrainTimeout.TotalSeconds:0.#} s drain timeout; " +
                (lost == 0 ? "they wait in the spool, and the next run with the same spool sends them." : $"{lost} of them are lost."));
        }
        Finish(_exit.ExitCode(drained.UndeliveredRecords));
    }

    /// <summary>Hands the exit code to the host, which stops the actor system and ends the process.</summary>
    private void Finish(int exitCode)
    {
        _exitCode.TrySetResult(exitCode);
        Context.Stop(Self);
    }

    // ---- Verbs (README, "Verbs on the node"): one result per instance the selector matches here.

    private void OnControl(ControlRequest request)
    {
        Selector selector;
        try
        {
            selector = Selector.Parse(request.Selector);
        }
        catch (SelectorException e)
        {
            Answer(request.Id, [new ActionResult("", "bad-selector", e.Message)]);
            return;
        }
        var matched = _instances.Values.Where(i => !i.Retiring && selector.Matches(_name, i.Info)).ToList();
        if (request.Verb == ControlVerb.Scale)
        {
            // A task is no spec's instance: it has nothing to scale.
            matched.RemoveAll(i => i.Task);
            // A spec scaled to 0 has no instance to match: it is matched as it would stand, so scale N brings it back.
            var empty = _specs.Values.Where(s => _replicas[s.Spec.Name] == 0 && selector.Matches(_name, Unstarted(s.Spec))).Select(s => s.Spec.Name);
            Answer(request.Id, Scale(request.Argument, matched.Select(i => i.Info.Base).Concat(empty).Distinct().ToList()));
            return;
        }
        if (Ending)
        {
            Answer(request.Id, matched.Select(i => new ActionResult(i.Info.Name, "node-stopping", EndingMessage)).ToArray());
            return;
        }
        object? message = request.Verb switch
        {
            ControlVerb.Start => new InstanceActor.Start(),
            ControlVerb.Stop => new InstanceActor.Stop(),
            ControlVerb.Restart => new InstanceActor.Restart(),
            ControlVerb.Signal => Signals.Parse(request.Argument) is { } number ? new InstanceActor.Signal(number) : null,
            ControlVerb.Input => new InstanceActor.Input(request.Argument),
            _ => null,
        };
        if (message is null)
        {
            Answer(request.Id, matched.Select(i => new ActionResult(i.Info.Name, "bad-signal",
                $"\"{PrintableText.Quote(request.Argument)}\" is not a signal Chorus knows; use one of {Signals.Known}.")).ToArray());
            return;
        }
        // Asked, not awaited: the answers gather off this actor, which goes on with its mailbox meanwhile.
        var asks = matched.Select(i => i.Task && request.Verb is ControlVerb.Start or ControlVerb.Restart
            ? Task.FromResult(new ActionResult(i.Info.Name, "task-runs-once",
                $"\"{i.Info.Name}\" is a task: it runs once and never again; to run its command again, run it as a new task (chorus-aggregator run)."))
            : Ask(i, message)).ToArray();
        var id = request.Id;
        Task.WhenAll(asks).PipeTo(_uplink, success: results => new UplinkActor.Answer(id, results));
    }

    private static Task<ActionResult> Ask(Instance instance, object message)
    {
        var name = instance.Info.Name;
        return instance.Actor.Ask<ActionResult>(message, ActionTimeout).ContinueWith(t => t.IsCompletedSuccessfully
            ? t.Result
            : new ActionResult(name, "timeout", $"it did not answer within {ActionTimeout.TotalSeconds:0} s; look at its state in /api/nodes."),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    // Once nothing ran and the exit policy ended the node (_endingGroups), an instance started or scaled up then would
    // outlive the groups it waits on: the node would neither end nor show the instances that ended in its table.
    private bool Ending => _stopping || _endingGroups;

    private string EndingMessage => _stopping
        ? "the node is stopping; act once it runs again."
        : "the node is ending: no process ran or would run again (--exit-on all-exited); start the node again, or give it --exit-on never to keep it with nothing running.";

    private void Answer(long id, IReadOnlyList<ActionResult> results) => _uplink.Tell(new UplinkActor.Answer(id, results));

    /// <summary>Scale N: up adds the next numbers, down retires the highest; 0 stops them all (scale up again brings them back).</summary>
    private IReadOnlyList<ActionResult> Scale(string argument, IReadOnlyList<string> bases)
    {
        if (!int.TryParse(argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas)
            || replicas > ProcessSpec.MaxReplicas)
            return bases.Select(b => new ActionResult(b, "bad-replicas",
                $"\"{PrintableText.Quote(argument)}\" is not a number of replicas; give 0 to {ProcessSpec.MaxReplicas}, e.g. scale web 3.")).ToArray();
        if (Ending)
            return bases.Select(b => new ActionResult(b, "node-stopping", EndingMessage)).ToArray();
        return bases.Select(b => Scale(b, replicas)).ToArray();
    }

    private ActionResult Scale(string baseName, int replicas)
    {
        var spec = _specs[baseName].Spec;
        var was = _replicas[baseName];
        for (var k = was + 1; k <= replicas; k++)
            if (_instances.ContainsKey(InstanceName(spec, k)))
                return new ActionResult(baseName, "still-stopping", $"{InstanceName(spec, k)} is still stopping from the last scale down; scale again once it has.");
        for (var k = was + 1; k <= replicas; k++) Add(spec, k);
        for (var k = was; k > replicas; k--) Retire(_instances[InstanceName(spec, k)]);
        _replicas[baseName] = replicas;
        _uplink.Tell(new ProcessScaled(baseName, replicas));
        TableChanged();
        return new ActionResult(baseName, ActionResult.Ok, $"scaled from {was} to {replicas}");
    }

    // ---- Tasks (README, "Run a command on the fleet"): one-off instances the aggregator starts, only with --allow-run.

    private void OnTask(RunTask request)
    {
        var name = request.Process;
        ActionResult? refusal =
            !_allowRun ? new ActionResult(name, "run-not-allowed",
                $"node {_name} does not run tasks: start chorus-node with --allow-run (it needs --token-file or CHORUS_TOKEN, " +
                "since anyone with the token could then run commands on this host; README, Security).")
            // Checked although only the joined aggregator gets here: the name becomes an actor's, and a bad one would fail this actor.
            : !name.StartsWith(TaskPrefix, StringComparison.Ordinal) || name.Length <= TaskPrefix.Length || name.Length > SpecNames.MaxLength || !ProcfileParser.IsValidName(name)
                ? new ActionResult(name, "cannot-start", $"\"{PrintableText.Quote(name)}\" is not a task's name (task-ID); run the same Chorus version on the aggregator and the nodes.")
            : _instances.ContainsKey(name) || _specs.ContainsKey(name)
                ? new ActionResult(name, "already-exists", $"node {_name} already has a process named {name}; give the task another id.")
            : Ending ? new ActionResult(name, "node-stopping", EndingMessage)
            : null;
        if (refusal is not null)
        {
            Answer(request.Id, [refusal]);
            return;
        }
        var spec = new ProcessSpec(name, request.Command, $"task {name[TaskPrefix.Length..]}") { EndsWithItsLeader = true };
        // Its own block of ports, after every spec's: PORT is set for every process, and a task must not take a spec's.
        Add(spec, name, _specs.Count, task: true);
        _taskAnswers[name] = request.Id;
        TableChanged();
    }

    private const string TaskPrefix = "task-";

    /// <summary>A task is answered once its run has started (or could not), and retired once its run has ended.</summary>
    private void OnTaskChanged(Instance task, InstanceActor.Changed changed)
    {
        var name = task.Info.Name;
        if (_taskAnswers.TryGetValue(name, out var id) && (changed.Info.Pid > 0 || changed.End is not null))
        {
            _taskAnswers.Remove(name);
            Answer(id, [changed.Info.Pid > 0
                ? new ActionResult(name, ActionResult.Ok, $"started on node {_name}, pid {changed.Info.Pid}")
                : new ActionResult(name, "cannot-start", $"/bin/sh could not be started on node {_name}; its stderr says why.")]);
        }
        // Its exited record went to the uplink before the run finished: it leaves the table, so tasks do not pile up there.
        if (changed.End is not null && !task.Retiring) Retire(task);
    }

    /// <summary>Stops it (if it still runs), ends its group, and takes it out of the table once it has: scaled down, or a task done.</summary>
    private static void Retire(Instance instance)
    {
        instance.Retiring = true;
        instance.Actor.Tell(new InstanceActor.Retire());
    }
}
