using Akka.Actor;
using Chorus.Hosting;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Uplink;

namespace Chorus.Node;

/// <summary>
/// The node agent's root, at /user/node: parent of one <see cref="ProcessActor"/> per Procfile entry, and
/// owner of the stop order. A child that exits on its own does not stop the others (see README, "Exit
/// policy"). On <see cref="StopProcesses"/>: SIGTERM to every process group, SIGKILL after the grace
/// period. Once every child has finished (its leader exited, its pipes closed) it ends what is left of each
/// group (a daemon that closed its output: SIGTERM, grace, SIGKILL), then drains the uplink and completes
/// <c>exitCode</c>. When the aggregator refuses the node's token it stops the children and exits with
/// <see cref="ExitCodes.Refused"/>.
/// </summary>
public sealed class NodeActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly TaskCompletionSource<int> _exitCode;
    private readonly Dictionary<string, IActorRef> _processes = new();
    private readonly HashSet<string> _running = new();
    private int? _firstFailure;
    private bool _stopping;
    private bool _refused;

    public NodeActor(IReadOnlyList<ProcfileEntry> entries, string node, IActorRef uplink, NodeSettings settings,
        TaskCompletionSource<int> exitCode)
    {
        _uplink = uplink;
        _settings = settings;
        _exitCode = exitCode;

        for (var i = 0; i < entries.Count; i++)
        {
            _processes[entries[i].Name] = Context.ActorOf(ProcessActor.Props(entries[i], i, node, uplink, settings), ActorName(entries[i].Name));
            _running.Add(entries[i].Name);
        }

        Receive<ProcessActor.Finished>(OnFinished);
        Receive<ProcessActor.GroupEnded>(OnGroupEnded);
        Receive<StopProcesses>(_ => Stop(ChildProcess.SigTerm));
        Receive<KillProcesses>(_ => Stop(ChildProcess.SigKill));
        Receive<UplinkActor.Drained>(OnDrained);
        Receive<UplinkActor.Refused>(_ => OnRefused());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<ProcfileEntry> entries, string node, IActorRef uplink, NodeSettings settings,
        TaskCompletionSource<int> exitCode) =>
        Akka.Actor.Props.Create(() => new NodeActor(entries, node, uplink, settings, exitCode));

    /// <summary>Graceful stop: SIGTERM now, SIGKILL after the grace period.</summary>
    public sealed record StopProcesses;

    /// <summary>Stop now (a second Ctrl-C): SIGKILL every process group.</summary>
    public sealed record KillProcesses;

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(UplinkActor.Refused));

    private void OnRefused()
    {
        _refused = true;
        if (_processes.Count == 0) Finish(ExitCodes.Refused);
        else Stop(ChildProcess.SigTerm);
    }

    private void Finish(int exitCode)
    {
        _exitCode.TrySetResult(exitCode);
        Context.Stop(Self);
    }

    private void Stop(int signal)
    {
        if (!_stopping)
        {
            _stopping = true;
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
        // Exits we caused while stopping are not failures.
        var failed = !_stopping && (finished.ExitCode is not 0 || finished.Signal is not null);
        if (failed && _firstFailure is null)
            _firstFailure = finished.ExitCode ?? 128 + finished.Signal ?? ExitCodes.ChildFailed;
        if (_running.Count > 0) return;
        Timers.Cancel("kill");
        foreach (var process in _processes.Values) process.Tell(new ProcessActor.EndGroup());
    }

    private void OnGroupEnded(ProcessActor.GroupEnded ended)
    {
        _processes.Remove(ended.Process);
        if (_processes.Count > 0) return;
        if (_refused) Finish(ExitCodes.Refused);
        else _uplink.Tell(new UplinkActor.Drain());
    }

    private void OnDrained(UplinkActor.Drained drained)
    {
        if (drained.UndeliveredRecords > 0)
        {
            var lost = drained.UndeliveredRecords - drained.SpooledRecords;
            Notice.Write($"{drained.UndeliveredRecords} lines and events were not acknowledged by the aggregator before the " +
                         $"{_settings.DrainTimeout.TotalSeconds:0.#} s drain timeout; " +
                         (lost == 0 ? "they wait in the spool, and the next run with the same spool sends them." : $"{lost} of them are lost."));
            Finish(ExitCodes.Undelivered);
        }
        else Finish(_firstFailure ?? ExitCodes.Success);
    }

    // Procfile names are [A-Za-z0-9_-]+, already valid actor names; the prefix keeps them apart from system names.
    private static string ActorName(string process) => "process-" + process;
}
