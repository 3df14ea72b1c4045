using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;

namespace Chorus.Node.Instances;

/// <summary>
/// One instance of a process spec ("web", "web.2") through all its runs; child of <see cref="NodeActor"/>, parent of
/// one <see cref="ProcessActor"/> per run (README, "Restarts and backoff", "Readiness", "Dependencies").
/// <list type="bullet">
/// <item>In, from the parent: the verbs (<see cref="Start"/>, <see cref="Stop"/>, <see cref="Restart"/>,
/// <see cref="Signal"/>, <see cref="Input"/>), each answered with an <see cref="ActionResult"/>; <see cref="Peers"/>
/// (what its dependencies are judged from); <see cref="Shutdown"/> and <see cref="Kill"/> (the node stops: nothing
/// starts again); <see cref="EndGroups"/>, answered with <see cref="Ended"/> once nothing of its last run's group
/// is left, then it stops; <see cref="Retire"/> (scaled down): stop, end the group, <see cref="Ended"/>, stop.</item>
/// <item>Out, to the parent: <see cref="Changed"/> on every change of its <see cref="ProcessInfo"/>.</item>
/// <item>Out, to the uplink: <see cref="ProcessWaiting"/>, <see cref="ProcessReady"/>, <see cref="ProcessRestarting"/>,
/// <see cref="ProcessGivenUp"/> (the run's own actor reports started, lines and exited).</item>
/// <item>In, from its runs: <see cref="ProcessActor.ProcessStarted"/> (its pid), <see cref="ProcessActor.Finished"/>, <see cref="ProcessActor.LogReady"/>,
/// <see cref="ProcessActor.GroupEnded"/>.</item>
/// </list>
/// A run that ends while being stopped (a verb, the node's stop) is never restarted and never a failure. A run
/// that ends to be restarted has its process group ended at once (a daemon it left must not hold the port the
/// next run needs); the last run's group is ended only with the node, as a Procfile process's always was.
/// </summary>
public sealed class InstanceActor : ReceiveActor, IWithTimers
{
    private readonly ProcessSpec _spec;
    private readonly string _name;
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly RunProps _runProps;
    private readonly RestartBudget _budget;
    // Null when the spec has no readiness check: a run is ready once it runs.
    private readonly ReadinessWatch? _readiness;

    private ProcessState _state = ProcessState.Waiting;
    private IReadOnlyList<string> _waitingFor = [];
    private bool _ready;
    private int _restarts;
    private int _pid;
    private DateTime _startedAt;
    private int? _exitCode;
    private int? _signal;
    private int _runs;
    private long _nextSeq = 1;

    // The current run while it runs; after it finished, the last run, whose group is ended with the node.
    private IActorRef? _run;
    private bool _runAlive;
    private bool _stopRequested;
    private bool _restartRequested;
    private bool _shuttingDown;
    private bool _retiring;
    private bool _ending;
    private IReadOnlyList<ProcessInfo> _local = [];
    private IReadOnlyList<NodeProcess> _remote = [];

    /// <param name="runProps">Props of the actor for one run: a <see cref="ProcessActor"/>, or a probe in tests.</param>
    public InstanceActor(ProcessSpec spec, string name, IReadOnlyDictionary<string, string> environment, IActorRef uplink, NodeSettings settings,
        RunProps runProps, RestartBudget budget)
    {
        _spec = spec;
        _name = name;
        _uplink = uplink;
        _settings = settings;
        _runProps = runProps;
        _budget = budget;
        if (spec.Readiness is { } check) _readiness = new ReadinessWatch(check, spec, environment);

        Receive<Start>(_ => Sender.Tell(OnStart()));
        Receive<Stop>(_ => Sender.Tell(OnStop()));
        Receive<Restart>(_ => Sender.Tell(OnRestart()));
        Receive<Signal>(OnSignal);
        Receive<Input>(OnInput);
        Receive<Peers>(OnPeers);
        Receive<Shutdown>(_ => OnShutdown());
        Receive<Kill>(_ => SignalRun(Signals.Kill));
        Receive<EndGroups>(_ => BeginEnding());
        Receive<Retire>(_ => OnRetire());
        Receive<ProcessActor.Finished>(OnFinished);
        Receive<ProcessActor.LeaderExited>(OnLeaderExited);
        Receive<ProcessActor.LogReady>(_ => SetReady());
        Receive<ProcessActor.ProcessStarted>(OnRunStarted);
        Receive<ProcessActor.GroupEnded>(_ => OnGroupEnded());
        Receive<RestartDue>(_ => OnRestartDue());
        Receive<KillDue>(_ => SignalRun(Signals.Kill));
        Receive<DependencyWaitOver>(_ => OnDependencyWaitOver());
        Receive<ProbeDue>(_ => Probe());
        Receive<ProbeAnswered>(OnProbeAnswered);
        Receive<ReadinessTimedOut>(OnReadinessTimedOut);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the actor that runs the instance once, numbering its lines from <c>firstSeq</c>.</summary>
    public delegate Props RunProps(ProcessSpec spec, string instance, long firstSeq, IActorRef uplink);

    /// <param name="environment">The instance's environment (<see cref="ProcessEnvironment.For"/>), in which a readiness command runs.</param>
    public static Props Props(ProcessSpec spec, string name, IReadOnlyDictionary<string, string> environment, IActorRef uplink, NodeSettings settings,
        RunProps runProps) =>
        Akka.Actor.Props.Create(() => new InstanceActor(spec, name, environment, uplink, settings, runProps, new RestartBudget(spec)));

    // ---- In, from the parent: verbs, each answered with an ActionResult

    public sealed record Start;
    public sealed record Stop;
    /// <summary>Stop (when running), then start: counts in Restarts, not against max-restarts.</summary>
    public sealed record Restart;
    public sealed record Signal(int Number);
    /// <summary>A line for stdin; the run answers.</summary>
    public sealed record Input(string Text);

    // ---- In, from the parent: the node's life

    /// <summary>How the node's own instances and the other nodes' processes it waits for stand now.</summary>
    public sealed record Peers(IReadOnlyList<ProcessInfo> Local, IReadOnlyList<NodeProcess> Remote);

    /// <summary>The node stops: stop the run (stop-signal, SIGKILL after stop-grace) and start nothing again.</summary>
    public sealed record Shutdown;

    /// <summary>Stop now: SIGKILL.</summary>
    public sealed record Kill;

    /// <summary>Once it runs no more: end what is left of the last run's group, answer <see cref="Ended"/>, stop.</summary>
    public sealed record EndGroups;

    /// <summary>Scaled down: stop, end the group, answer <see cref="Ended"/>, stop.</summary>
    public sealed record Retire;

    // ---- Out, to the parent

    /// <summary>The instance now stands so; <paramref name="End"/> is set when a run ended for good (no restart to come).</summary>
    public sealed record Changed(ProcessInfo Info, RunEnd? End);

    /// <summary>How the instance ended for good: with a run's code or signal, or given up; <paramref name="Stopped"/>: by a stop, not on its own.</summary>
    public sealed record RunEnd(int? ExitCode, int? Signal, bool Stopped);

    /// <summary>Nothing of the instance is left; it stops.</summary>
    public sealed record Ended(string Instance);

    // ---- Out, to the uplink: events in the stream

    public sealed record ProcessWaiting(string Process, string WaitingFor);
    public sealed record ProcessReady(string Process);
    public sealed record ProcessRestarting(string Process, int Attempt, int DelayMs);
    public sealed record ProcessGivenUp(string Process, string Reason);

    private sealed record RestartDue;
    private sealed record KillDue;
    private sealed record DependencyWaitOver;
    private sealed record ProbeDue;
    private sealed record ProbeAnswered(int Run, bool Ready);
    private sealed record ReadinessTimedOut(int Run);

    private ProcessInfo Info => new(_name, _spec.Name, _state, _state == ProcessState.Running && _ready, _pid, _restarts, _startedAt,
        _exitCode, _signal, _spec.Stdin, _spec.Groups, _spec.Labels, _waitingFor);

    protected override void PreStart()
    {
        if (_spec.DependsOn.Count == 0)
        {
            Launch();
            return;
        }
        _waitingFor = DependencyStatus.Unmet(_spec.DependsOn, _local, _remote);
        _uplink.Tell(new ProcessWaiting(_name, string.Join(", ", _waitingFor)));
        if (_spec.DependsOn.Any(d => d.Node is not null))
            Timers.StartSingleTimer("dependency-wait", new DependencyWaitOver(), _settings.DependencyWait);
        Report();
    }

    protected override void PostStop() => _readiness?.Stop();

    private void OnRunStarted(ProcessActor.ProcessStarted started)
    {
        // A run that was replaced may still report: only the current one's pid counts.
        if (!Sender.Equals(_run)) return;
        _pid = started.Pid;
        Report();
    }

    private void Report(RunEnd? end = null) => Context.Parent.Tell(new Changed(Info, end));

    private void Launch()
    {
        _runs++;
        _run = Context.ActorOf(_runProps(_spec, _name, _nextSeq, _uplink), $"run-{_runs}");
        _runAlive = true;
        _state = ProcessState.Running;
        _waitingFor = [];
        _startedAt = DateTime.UtcNow;
        _exitCode = null;
        _signal = null;
        _stopRequested = false;
        _ready = _readiness is null;
        WatchReadiness();
        Report();
    }

    // ---- Readiness: the log's is the run's (it sees the lines); the rest is probed by the ReadinessWatch, off the
    // actor's thread. The timers and messages stay the actor's: the watch is a plain class, tested without one.

    private void WatchReadiness()
    {
        if (_readiness is null) return;
        _readiness.Begin(_runs);
        Timers.StartSingleTimer("readiness-timeout", new ReadinessTimedOut(_runs), _readiness.Timeout);
        if (_readiness.Probes) Timers.StartPeriodicTimer("probe", new ProbeDue(), TimeSpan.Zero, _readiness.Interval);
    }

    private void Probe()
    {
        if (_readiness?.BeginLook() is not { } look) return;
        var run = _readiness.Run;
        look.PipeTo(Self, success: ready => new ProbeAnswered(run, ready), failure: _ => new ProbeAnswered(run, false));
    }

    private void OnProbeAnswered(ProbeAnswered answer)
    {
        if (_readiness!.Answered(answer.Run, answer.Ready)) SetReady();
    }

    private bool ReadinessFailed => _readiness is { Failed: true };

    private void SetReady()
    {
        if (_ready || !_runAlive || _stopRequested || ReadinessFailed) return;
        _ready = true;
        StopWatchingReadiness();
        _uplink.Tell(new ProcessReady(_name));
        Report();
    }

    private void StopWatchingReadiness()
    {
        Timers.Cancel("probe");
        Timers.Cancel("readiness-timeout");
        _readiness?.Stop();
    }

    // Not ready in time counts as a failed run: it is stopped, and its restart policy decides what comes next. It is
    // not a stop asked for, so that policy still acts once it ends.
    private void OnReadinessTimedOut(ReadinessTimedOut timedOut)
    {
        if (_ready || !_runAlive || _stopRequested || !_readiness!.TimedOut(timedOut.Run)) return;
        StopWatchingReadiness();
        StopRun();
        _stopRequested = false;
    }

    // ---- Runs ending

    // The leader exited, but what it left in its group (`cmd &`) holds the pipes, so the run is not finished. A run
    // that is to be restarted must not wait for that (it never would: a daemon runs for good): its group is ended
    // now, and the run finishes with the leader's code. A run that will not restart keeps being read, as before.
    private void OnLeaderExited(ProcessActor.LeaderExited exited)
    {
        if (!Sender.Equals(_run) || _stopRequested || _shuttingDown || !(_spec.EndsWithItsLeader || RestartsAfter(exited.ExitCode, exited.Signal))) return;
        var grace = _spec.StopGrace ?? _settings.StopGrace;
        var why = _spec.EndsWithItsLeader ? "a task leaves nothing running once it has ended" : "so that its restart policy can act";
        Notice.Write($"\"{_name}\" exited but left processes in its group; stopping them, {why}: " +
                     $"SIGTERM, SIGKILL after {grace.TotalSeconds:0.#} s.");
        SignalRun(Signals.Term);
        Timers.StartSingleTimer("kill", new KillDue(), grace);
    }

    private bool RestartsAfter(int? exitCode, int? signal) =>
        _spec.Restart == RestartPolicy.Always ||
        (_spec.Restart == RestartPolicy.OnFailure && (ReadinessFailed || exitCode is not 0 || signal is not null));

    private void OnFinished(ProcessActor.Finished finished)
    {
        _runAlive = false;
        _nextSeq = finished.NextSeq;
        _exitCode = finished.ExitCode;
        _signal = finished.Signal;
        _ready = false;
        StopWatchingReadiness();
        Timers.Cancel("kill");
        var stopped = _stopRequested;

        if (_restartRequested && !_shuttingDown)
        {
            _restartRequested = false;
            _restarts++;
            EndRunGroup();
            Launch();
            return;
        }
        var restart = !stopped && !_shuttingDown && RestartsAfter(finished.ExitCode, finished.Signal);
        if (restart)
        {
            var decision = _budget.Next(DateTime.UtcNow);
            if (decision.GivenUpReason is null)
            {
                _state = ProcessState.Restarting;
                EndRunGroup();
                _uplink.Tell(new ProcessRestarting(_name, decision.Attempt, (int)decision.Delay.TotalMilliseconds));
                Timers.StartSingleTimer("restart", new RestartDue(), decision.Delay);
                Report();
                return;
            }
            GiveUp(decision.GivenUpReason, new RunEnd(finished.ExitCode, finished.Signal, Stopped: false));
        }
        else if (_readiness is { Failure: { } notReady } && !_shuttingDown)
            GiveUp(notReady, new RunEnd(finished.ExitCode, finished.Signal, Stopped: false));
        else
        {
            _state = ProcessState.Exited;
            Report(new RunEnd(finished.ExitCode, finished.Signal, stopped || _shuttingDown));
        }
        if (_retiring) BeginEnding();
    }

    private void GiveUp(string reason, RunEnd end)
    {
        Timers.Cancel("dependency-wait");
        _state = ProcessState.GivenUp;
        _waitingFor = [];
        _uplink.Tell(new ProcessGivenUp(_name, reason));
        Report(end);
    }

    private void OnRestartDue()
    {
        if (_state != ProcessState.Restarting) return;
        _restarts++;
        Launch();
    }

    /// <summary>A finished run's group is ended now: its actor answers and stops by itself.</summary>
    private void EndRunGroup()
    {
        _run?.Tell(new ProcessActor.EndGroup());
        _run = null;
    }

    private void StopRun()
    {
        _stopRequested = true;
        SignalRun(_spec.StopSignal);
        Timers.StartSingleTimer("kill", new KillDue(), _spec.StopGrace ?? _settings.StopGrace);
    }

    private void SignalRun(int signal) => _run?.Tell(new ProcessActor.SendSignal(signal));

    // ---- Dependencies

    private void OnPeers(Peers peers)
    {
        _local = peers.Local;
        _remote = peers.Remote;
        if (_state != ProcessState.Waiting || _shuttingDown) return;
        var unmet = DependencyStatus.Unmet(_spec.DependsOn, _local, _remote);
        if (unmet.Count == 0)
        {
            Timers.Cancel("dependency-wait");
            Launch();
        }
        // Waiting on for what cannot come would hold the node up for good with nothing running (all-exited).
        else if (DependencyStatus.EndedForGood(_spec.DependsOn, _local) is { Count: > 0 } ended)
            GiveUp($"{string.Join(", ", ended.Select(DependencyStatus.Describe))}: ended for good without holding, so it never will " +
                   "by itself; start it again, then start this one", new RunEnd(null, null, Stopped: false));
        else if (!unmet.SequenceEqual(_waitingFor))
        {
            _waitingFor = unmet;
            Report();
        }
    }

    private void OnDependencyWaitOver()
    {
        if (_state != ProcessState.Waiting) return;
        var missing = DependencyStatus.Missing(_spec.DependsOn, _remote);
        if (missing.Count == 0) return;
        GiveUp($"{string.Join(", ", missing.Select(DependencyStatus.Describe))}: exists on no node after " +
               $"{_settings.DependencyWait.TotalSeconds:0.###} s (dependency-wait)", new RunEnd(null, null, Stopped: false));
    }

    // ---- Verbs

    private ActionResult Result(string outcome, string message) => new(_name, outcome, message);

    private ActionResult? Refusal()
    {
        if (_shuttingDown) return Result("node-stopping", "the node is stopping; start it again once it has.");
        if (_state == ProcessState.Waiting)
            return Result("waiting", $"it waits for {string.Join(", ", _waitingFor)}; it starts once they hold.");
        return null;
    }

    private ActionResult OnStart()
    {
        if (Refusal() is { } refused) return refused;
        if (_state == ProcessState.Running && _stopRequested)
            return Result("stopping", "it is being stopped; start it once it has exited, or use restart to run it again as soon as it has.");
        if (_state == ProcessState.Running) return Result("already-running", "it already runs; use restart to run it anew.");
        Timers.Cancel("restart");
        EndRunGroup();
        Launch();
        return Result(ActionResult.Ok, "started");
    }

    private ActionResult OnStop()
    {
        switch (_state)
        {
            case ProcessState.Running when !_stopRequested:
                StopRun();
                return Result(ActionResult.Ok, $"stopping: {Signals.Name(_spec.StopSignal)}, SIGKILL after {(_spec.StopGrace ?? _settings.StopGrace).TotalSeconds:0.#} s");
            case ProcessState.Running:
                return Result("already-stopping", "it is being stopped already.");
            case ProcessState.Restarting or ProcessState.Waiting:
                Timers.Cancel("restart");
                Timers.Cancel("dependency-wait");
                _state = ProcessState.Exited;
                _waitingFor = [];
                Report(new RunEnd(_exitCode, _signal, Stopped: true));
                return Result(ActionResult.Ok, "stopped; it will not start by itself.");
            default:
                return Result("already-stopped", "it does not run; use start to run it.");
        }
    }

    private ActionResult OnRestart()
    {
        if (Refusal() is { } refused) return refused;
        if (_state == ProcessState.Running)
        {
            _restartRequested = true;
            if (!_stopRequested) StopRun();
            return Result(ActionResult.Ok, "restarting: stopped, then started again");
        }
        Timers.Cancel("restart");
        _restarts++;
        EndRunGroup();
        Launch();
        return Result(ActionResult.Ok, "started");
    }

    private void OnSignal(Signal signal)
    {
        if (_state != ProcessState.Running)
        {
            Sender.Tell(Result("not-running", $"it is {_state.Name()}; start it first."));
            return;
        }
        SignalRun(signal.Number);
        Sender.Tell(Result(ActionResult.Ok, $"sent {Signals.Name(signal.Number)}"));
    }

    private void OnInput(Input input)
    {
        if (_state != ProcessState.Running || !_runAlive) Sender.Tell(Result("not-running", $"it is {_state.Name()}; start it first."));
        else _run!.Forward(new ProcessActor.WriteInput(input.Text));
    }

    // ---- The node stops, or scales it away

    private void OnShutdown()
    {
        _shuttingDown = true;
        Timers.Cancel("restart");
        Timers.Cancel("dependency-wait");
        _restartRequested = false;
        if (_state is ProcessState.Waiting or ProcessState.Restarting)
        {
            _state = ProcessState.Exited;
            _waitingFor = [];
            Report(new RunEnd(_exitCode, _signal, Stopped: true));
        }
        // A finished run too: something of its group may still run.
        if (!_stopRequested || !_runAlive) StopRun();
    }

    private void OnRetire()
    {
        _retiring = true;
        OnShutdown();
        if (!_runAlive) BeginEnding();
    }

    private void BeginEnding()
    {
        if (_ending) return;
        _ending = true;
        Timers.CancelAll();
        if (_run is null) Finish();
        else _run.Tell(new ProcessActor.EndGroup());
    }

    private void OnGroupEnded()
    {
        // A group ended for a restart answers too; only the last run's counts once the instance ends.
        if (_ending) Finish();
    }

    private void Finish()
    {
        Context.Parent.Tell(new Ended(_name));
        Context.Stop(Self);
    }
}
