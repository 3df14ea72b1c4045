using Akka.Actor;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Uplink;

namespace Chorus.Node;

/// <summary>
/// The node agent's root, at /user/node: parent of the uplink and of one process actor per Procfile entry,
/// owner of the stop order and of the exit code (<see cref="ExitPolicy"/>).
/// <list type="bullet">
/// <item>In, from the host: <see cref="StopProcesses"/> (SIGTERM now, SIGKILL after stop-grace), <see cref="KillProcesses"/>.</item>
/// <item>In, from the processes: <see cref="ProcessActor.Finished"/>, <see cref="ProcessActor.GroupEnded"/>.
/// Out: <see cref="ProcessActor.SendSignal"/>, and <see cref="ProcessActor.EndGroup"/> once every process has finished.</item>
/// <item>In, from the uplink: <see cref="UplinkActor.Refused"/> (stop everything, exit <see cref="ExitCodes.Refused"/>),
/// <see cref="UplinkActor.LinesRefused"/>, <see cref="UplinkActor.Drained"/>. Out: <see cref="UplinkActor.Drain"/>
/// once every process group has ended.</item>
/// <item>Out, to the host: the exit code, once drained (or refused). The host ends the process; no actor does.</item>
/// </list>
/// A process that exits on its own does not stop the others (README, "Exit policy").
/// </summary>
public sealed class NodeActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly TaskCompletionSource<int> _exitCode;
    private readonly Dictionary<string, IActorRef> _processes = new();
    private readonly HashSet<string> _running = new();
    private readonly ExitPolicy _exit = new();
    private bool _stopping;

    /// <param name="uplink">The uplink's props: it is started as this actor's child, and tells it of a refusal.</param>
    /// <param name="process">Props of the actor that runs a process (its index in the Procfile or spec), given the uplink to feed.</param>
    public NodeActor(IReadOnlyList<ProcessSpec> processes, Props uplink, Func<ProcessSpec, int, IActorRef, Props> process,
        NodeSettings settings, TaskCompletionSource<int> exitCode)
    {
        _settings = settings;
        _exitCode = exitCode;
        _uplink = Context.ActorOf(uplink, "uplink");
        for (var i = 0; i < processes.Count; i++)
        {
            _processes[processes[i].Name] = Context.ActorOf(process(processes[i], i, _uplink), ActorName(processes[i].Name));
            _running.Add(processes[i].Name);
        }

        Receive<StopProcesses>(_ => Stop(Signals.Term));
        Receive<KillProcesses>(_ => Stop(Signals.Kill));
        Receive<ProcessActor.Finished>(OnFinished);
        Receive<ProcessActor.GroupEnded>(OnGroupEnded);
        Receive<UplinkActor.Refused>(OnRefused);
        Receive<UplinkActor.LinesRefused>(refused =>
            Notice.Error($"the aggregator at {refused.Aggregator} refuses this node's lines: {refused.Reason}"));
        Receive<UplinkActor.Drained>(OnDrained);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<ProcessSpec> processes, Props uplink, Func<ProcessSpec, int, IActorRef, Props> process,
        NodeSettings settings, TaskCompletionSource<int> exitCode) =>
        Akka.Actor.Props.Create(() => new NodeActor(processes, uplink, process, settings, exitCode));

    /// <summary>Graceful stop: SIGTERM now, SIGKILL after the grace period.</summary>
    public sealed record StopProcesses;

    /// <summary>Stop now (a second Ctrl-C): SIGKILL every process group.</summary>
    public sealed record KillProcesses;

    // The children are reachable by path from any peer, like the top-level actors: a Kill from outside is resisted the same way.
    protected override SupervisorStrategy SupervisorStrategy() => new KillResistantGuardianStrategy().Create();

    private void OnRefused(UplinkActor.Refused refused)
    {
        // The reason says how to fix it: the aggregator knows why it refused.
        Notice.Error($"the aggregator at {refused.Aggregator} refused this node: {refused.Reason}");
        _exit.RefusedByAggregator();
        if (_processes.Count == 0) Finish(_exit.ExitCode());
        else Stop(Signals.Term);
    }

    private void Stop(int signal)
    {
        if (!_stopping)
        {
            _stopping = true;
            _exit.Stopping();
            if (_running.Count > 0)
                Notice.Write($"stopping {_running.Count} process(es): SIGTERM, SIGKILL after {_settings.StopGrace.TotalSeconds:0.#} s.");
            Timers.StartSingleTimer("kill", new KillProcesses(), _settings.StopGrace);
        }
        // Finished processes too: something of their group may still run.
        foreach (var process in _processes.Values) process.Tell(new ProcessActor.SendSignal(signal));
    }

    private void OnFinished(ProcessActor.Finished finished)
    {
        _running.Remove(finished.Process);
        _exit.ProcessFinished(finished.ExitCode, finished.Signal);
        if (_running.Count > 0) return;
        Timers.Cancel("kill");
        foreach (var process in _processes.Values) process.Tell(new ProcessActor.EndGroup());
    }

    private void OnGroupEnded(ProcessActor.GroupEnded ended)
    {
        _processes.Remove(ended.Process);
        if (_processes.Count > 0) return;
        if (_exit.Refused) Finish(_exit.ExitCode());
        else _uplink.Tell(new UplinkActor.Drain());
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

    // Procfile names are [A-Za-z0-9_-]+, already valid actor names; the prefix keeps them apart from system names.
    private static string ActorName(string process) => "process-" + process;
}
