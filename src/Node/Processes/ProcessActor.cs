using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Node.Spec;

namespace Chorus.Node.Processes;

/// <summary>
/// Runs one run of one process instance ("web", or "web.2" for a replica); its parent starts a new one for a
/// restart, with the <see cref="Finished.NextSeq"/> of the last. Declares every message it sends: the uplink
/// imports them, and nothing here imports the uplink.
/// <list type="bullet">
/// <item>Out, to the uplink: <see cref="ProcessStarted"/> (to the parent too); <see cref="LinesRead"/>, one at a time (the next only
/// once the uplink answered <see cref="LinesAppended"/>); <see cref="ProcessExited"/> once the group's leader has
/// exited and the lines the pipes held then are handed on (later lines are marked after-exit).</item>
/// <item>In, from the parent: <see cref="SendSignal"/>; <see cref="EndGroup"/>, answered with <see cref="GroupEnded"/>
/// once nothing of the group is left (SIGTERM, stop-grace, SIGKILL), then it stops; <see cref="WriteInput"/>,
/// answered to its sender with an <see cref="ActionResult"/> once written (<see cref="ChildInput"/>; never waits).</item>
/// <item>Out, to the parent: <see cref="Finished"/> once the leader has exited and the pipes have closed (or were
/// abandoned: a pipe held by a process that left the group is let go once the group is empty); <see cref="LogReady"/>
/// once, on the first line of the run that matches the spec's log readiness.</item>
/// </list>
/// Both pipes are read by one Akka.Streams graph (<see cref="PipeSource"/> per pipe, merged). Why a read waits
/// for the uplink, and what "exited" promises: README, "Reliability" and "The ordering guarantee".
/// </summary>
public sealed class ProcessActor : ReceiveActor, IWithTimers
{
    private const int SignalAttempts = 200;
    private static readonly TimeSpan SignalAttemptInterval = TimeSpan.FromMilliseconds(10);

    private readonly ProcessSpec _spec;
    // The name in the stream: the spec's name, or NAME.N for a replica.
    private readonly string _instance;
    private readonly int _index;
    private readonly string _node;
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private ChildProcess? _child;
    private ChildPipe? _stdout;
    private ChildPipe? _stderr;
    // One counter for both streams: a gap in seq then always means a lost line, whichever pipe it was on.
    private long _nextSeq;
    // The stream waits for this acknowledgement before it hands over the next read.
    private IActorRef? _waitingStream;
    // Bytes of each pipe whose lines were handed on.
    private long _stdoutDone;
    private long _stderrDone;
    private bool _outputEnded;
    private ChildExited? _exit;
    // How far the writers had got when the leader exited: lines up to there come before "exited".
    private (long Stdout, long Stderr)? _exitMark;
    // How far they had got once the group was found empty: the rest is not the group's to wait for.
    private (long Stdout, long Stderr)? _abandonMark;
    private bool _exitReported;
    private bool _finished;
    private IActorRef? _endRequester;
    // The spec's log readiness, until a line of this run matched it (then null: later lines cost nothing).
    private Regex? _readyWhen;

    public ProcessActor(ProcessSpec spec, string instance, int index, long firstSeq, string node, IActorRef uplink, NodeSettings settings)
    {
        _spec = spec;
        _instance = instance;
        _index = index;
        _nextSeq = firstSeq;
        if (spec.Readiness is { Kind: ReadinessKind.Log } log)
            _readyWhen = new Regex(log.Target, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        _node = node;
        _uplink = uplink;
        _settings = settings;

        Receive<StreamStarted>(_ => Sender.Tell(StreamAck.Instance));
        Receive<Output>(OnOutput);
        Receive<LinesAppended>(_ => AckStream());
        Receive<OutputEnded>(OnOutputEnded);
        Receive<ChildExited>(OnChildExited);
        Receive<ExitDrainExpired>(_ => ReportExit());
        Receive<GroupCheck>(_ => OnGroupCheck());
        Receive<SendSignal>(OnSendSignal);
        Receive<SignalAgain>(again =>
        {
            if (_endRequester is null) Signal(again.Signal, again.Attempt);
        });
        Receive<EndGroup>(OnEndGroup);
        Receive<WriteInput>(OnWriteInput);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="instance">The name in the stream: "web", or "web.2" for a replica.</param>
    /// <param name="index">The spec's place among the node's processes: PORT follows from it (<see cref="ProcessEnvironment"/>).</param>
    /// <param name="firstSeq">The seq of this run's first line: 1, or the last run's <see cref="Finished.NextSeq"/>, so seq keeps rising across restarts.</param>
    public static Props Props(ProcessSpec spec, string instance, int index, long firstSeq, string node, IActorRef uplink, NodeSettings settings) =>
        Akka.Actor.Props.Create(() => new ProcessActor(spec, instance, index, firstSeq, node, uplink, settings));

    // ---- In, from the parent (NodeActor)

    /// <summary>Deliver a signal to the child's whole process group.</summary>
    public sealed record SendSignal(int Signal);

    /// <summary>After <see cref="Finished"/>: stop what is left of the group (SIGTERM, grace, SIGKILL), answer <see cref="GroupEnded"/>, stop.</summary>
    public sealed record EndGroup;

    /// <summary>
    /// A line for the process's stdin (<paramref name="Text"/> and a newline), answered to the sender with an
    /// <see cref="Chorus.Messages.Control.ActionResult"/> once written (or refused: stdin-closed, stdin-full, not-running).
    /// </summary>
    public sealed record WriteInput(string Text);

    // ---- Out, to the parent

    /// <summary>Sent to the parent once the leader has exited and the pipes have closed (or were abandoned).</summary>
    /// <param name="NextSeq">The seq the next run of this instance starts at.</param>
    public sealed record Finished(string Process, int? ExitCode, int? Signal, long NextSeq);

    /// <summary>
    /// Sent to the parent when the leader has exited while something it left in its group still holds the pipes
    /// (<see cref="Finished"/> waits for them): a run to be restarted must have its group ended rather than wait.
    /// </summary>
    public sealed record LeaderExited(string Process, int? ExitCode, int? Signal);

    /// <summary>Sent to the parent once, the first time a line of this run matches the spec's log readiness regex.</summary>
    public sealed record LogReady(string Process);

    /// <summary>Nothing of the process group is left (or what is left could not be removed even by SIGKILL).</summary>
    public sealed record GroupEnded(string Process);

    // ---- Out, to the uplink (it answers each LinesRead with LinesAppended)

    public sealed record ProcessStarted(string Process, int Pid);

    /// <summary>Lines a process read, numbered from <paramref name="FirstSeq"/>; answered with <see cref="LinesAppended"/>.</summary>
    public sealed record LinesRead(string Process, OutputStream Stream, long FirstSeq, IReadOnlyList<FramedLine> Lines, bool AfterExit = false);

    /// <summary>Reported once the group's leader exited and the lines the pipes held then are handed on.</summary>
    public sealed record ProcessExited(string Process, int? ExitCode, int? Signal);

    /// <summary>The answer to <see cref="LinesRead"/>: the lines are taken (in memory, in the spool or counted in a gap), send the next.</summary>
    public sealed record LinesAppended
    {
        public static readonly LinesAppended Instance = new();
    }

    private sealed record Output(OutputStream Stream, PipeRead Read);
    private sealed record OutputEnded(Exception? Failure);
    private sealed record ChildExited(int? Code, int? Signal);
    private sealed record ExitDrainExpired;
    private sealed record GroupCheck;
    private sealed record SignalAgain(int Signal, int Attempt);
    private sealed record EndGroupKill;
    private sealed record EndGroupGiveUp;
    private sealed record StreamStarted
    {
        public static readonly StreamStarted Instance = new();
    }
    private sealed record StreamAck
    {
        public static readonly StreamAck Instance = new();
    }

    protected override void PreStart()
    {
        try
        {
            _child = ChildProcess.Start(_spec, ProcessEnvironment.For(_spec, _instance, _index, _node), _settings.PipePollInterval);
        }
        catch (InvalidOperationException e)
        {
            _log.Error(e.Message);
            // The shell's code for "command not found": the user sees the process exit rather than vanish.
            _outputEnded = true;
            Self.Tell(new ChildExited(127, null));
            return;
        }

        var started = new ProcessStarted(_instance, _child.Pid);
        _uplink.Tell(started);
        Context.Parent.Tell(started); // its pid, for the node's process table
        _stdout = new ChildPipe(_child.Stdout, _settings.PipePollInterval);
        _stderr = new ChildPipe(_child.Stderr, _settings.PipePollInterval);
        ReadOutput(_stdout, _stderr);
        var self = Self;
        _child.WaitForExitAsync().ContinueWith(t => self.Tell(new ChildExited(t.Result.Code, t.Result.Signal)),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void ReadOutput(ChildPipe stdout, ChildPipe stderr)
    {
        Source<Output, Akka.NotUsed> Pipe(ChildPipe pipe, OutputStream stream) =>
            PipeSource.Create(pipe, _settings.ReadChunkBytes, _settings.MaxLineBytes)
                .Select(read => new Output(stream, read));

        Pipe(stdout, OutputStream.Stdout)
            .Merge(Pipe(stderr, OutputStream.Stderr))
            .RunWith(Sink.ActorRefWithAck<Output>(Self, StreamStarted.Instance, StreamAck.Instance, new OutputEnded(null), e => new OutputEnded(e)),
                // One read waiting per stage and boundary, not the default 16: the rest waits in the child's pipe.
                Context.Materializer(ActorMaterializerSettings.Create(Context.System).WithInputBuffer(1, 1)));
    }

    private void OnWriteInput(WriteInput input)
    {
        if (!_spec.Stdin)
        {
            Sender.Tell(new ActionResult(_instance, "stdin-closed",
                $"\"{_instance}\" ({_spec.Origin}) has a closed stdin: a process takes input only with stdin = true in its block of a --spec file (a Procfile's processes always have a closed stdin)."));
            return;
        }
        if (_child?.Input is not { } stdin || _exit is not null)
        {
            Sender.Tell(NotRunning());
            return;
        }
        if (stdin.TryWrite(StdinLine.Encode(input.Text)) is not { } written)
        {
            Sender.Tell(new ActionResult(_instance, "stdin-full",
                $"\"{_instance}\" has not read the last {ChildInput.MaxPendingBytes / 1024} KiB sent to its stdin; nothing was written. Send it again once the process reads its input."));
            return;
        }
        var instance = _instance;
        var notRunning = NotRunning();
        written.ContinueWith(t => t.Result switch
        {
            InputOutcome.Written => new ActionResult(instance, ActionResult.Ok, "written to its stdin"),
            InputOutcome.ClosedByProcess => new ActionResult(instance, "stdin-closed",
                $"\"{instance}\" closed its stdin: it reads no more input. Restart it to send it input again."),
            _ => notRunning,
        }, TaskContinuationOptions.ExecuteSynchronously).PipeTo(Sender);
    }

    private ActionResult NotRunning() =>
        new(_instance, "not-running", $"\"{_instance}\" is not running, so nothing reads its stdin: start it, then send the input again.");

    private void OnSendSignal(SendSignal send)
    {
        // Until the group has been ended, members may be left even after the leader and the pipes are gone.
        if (_child is not null && _endRequester is null) Signal(send.Signal, attempt: 0);
    }

    // A tty command may not have been started by script yet: the signal waits for it (bounded: then script gets it).
    private void Signal(int signal, int attempt)
    {
        if (_child!.TrySignalGroup(signal)) return;
        if (attempt >= SignalAttempts) _child.SignalGroup(signal);
        else Timers.StartSingleTimer($"signal-{signal}", new SignalAgain(signal, attempt + 1), SignalAttemptInterval);
    }

    private void OnOutput(Output output)
    {
        _waitingStream = Sender;
        if (output.Stream == OutputStream.Stdout) _stdoutDone = output.Read.BytesFramed;
        else _stderrDone = output.Read.BytesFramed;

        if (output.Read.Lines.Count > 0)
        {
            var lines = _spec.Tty ? TerminalLines.WithoutCarriageReturns(output.Read.Lines) : output.Read.Lines;
            _uplink.Tell(new LinesRead(_instance, output.Stream, _nextSeq, lines, AfterExit: _exitReported));
            _nextSeq += lines.Count;
            if (_readyWhen is not null) LookForReadiness(lines);
        }
        else AckStream();

        if (!_exitReported && Reached(_exitMark)) ReportExit();
        if (Reached(_abandonMark)) Abandon();
    }

    private void LookForReadiness(IReadOnlyList<FramedLine> lines)
    {
        foreach (var line in lines)
        {
            if (!_readyWhen!.IsMatch(Encoding.UTF8.GetString(line.Text.Span))) continue;
            _readyWhen = null;
            Context.Parent.Tell(new LogReady(_instance));
            return;
        }
    }

    private void AckStream()
    {
        _waitingStream?.Tell(StreamAck.Instance);
        _waitingStream = null;
    }

    private bool Reached((long Stdout, long Stderr)? mark) =>
        mark is { } m && _stdoutDone >= m.Stdout && _stderrDone >= m.Stderr;

    private void OnOutputEnded(OutputEnded ended)
    {
        if (ended.Failure is { } failure)
            _log.Error("Reading the output of \"{0}\" failed: {1}. What it writes from now on is lost.", _instance, failure.Message);
        _outputEnded = true;
        Timers.Cancel("group-check");
        if (_exit is not null)
        {
            ReportExit();
            Finish();
        }
    }

    private void OnChildExited(ChildExited exit)
    {
        _exit = exit;
        // Input sent from now on is answered not-running; what waits is answered so too.
        _child?.Input?.Close();
        if (_outputEnded)
        {
            ReportExit();
            Finish();
            return;
        }
        // Only when something is left in the group: the pipes of a run that left nothing close in a moment.
        if (_child!.GroupAlive()) Context.Parent.Tell(new LeaderExited(_instance, exit.Code, exit.Signal));
        _exitMark = (_stdout!.BytesWritten(), _stderr!.BytesWritten());
        if (Reached(_exitMark)) ReportExit();
        // A reader far behind (or a last line without its newline) may never reach the mark in time: report anyway.
        else Timers.StartSingleTimer("exit-drain", new ExitDrainExpired(), _settings.ExitDrainTimeout);
        Timers.StartPeriodicTimer("group-check", new GroupCheck(), _settings.GroupCheckInterval);
    }

    private void ReportExit()
    {
        if (_exitReported || _exit is null) return;
        _exitReported = true;
        Timers.Cancel("exit-drain");
        _uplink.Tell(new ProcessExited(_instance, _exit.Code, _exit.Signal));
    }

    // The leader is gone and the pipes are still open. Once nothing of the group is left, what holds them is a
    // process that left it (setsid): read what the pipes hold now, then stop reading.
    private void OnGroupCheck()
    {
        if (_outputEnded || _abandonMark is not null || _child!.GroupAlive()) return;
        Timers.Cancel("group-check");
        _abandonMark = (_stdout!.BytesWritten(), _stderr!.BytesWritten());
        if (Reached(_abandonMark)) Abandon();
    }

    private void Abandon()
    {
        _stdout?.Abandon();
        _stderr?.Abandon();
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        Context.Parent.Tell(new Finished(_instance, _exit!.Code, _exit.Signal, _nextSeq));
    }

    private void OnEndGroup(EndGroup _)
    {
        _endRequester = Sender;
        if (_child is null || !_child.GroupAlive())
        {
            ReportGroupEnded();
            return;
        }
        Notice.Write($"\"{_instance}\" exited but left processes in its group; stopping them: SIGTERM, SIGKILL after {_settings.StopGrace.TotalSeconds:0.#} s.");
        _child.SignalGroup(Signals.Term);
        Timers.StartPeriodicTimer("group-check", new GroupCheck(), _settings.GroupCheckInterval);
        Timers.StartSingleTimer("end-kill", new EndGroupKill(), _settings.StopGrace);
        Become(EndingGroup);
    }

    private void EndingGroup()
    {
        Receive<GroupCheck>(_ =>
        {
            if (!_child!.GroupAlive()) ReportGroupEnded();
        });
        Receive<EndGroupKill>(_ => OnEndGroupKill());
        Receive<EndGroupGiveUp>(_ => ReportGroupEnded());
        Receive<SendSignal>(send => _child!.SignalGroup(send.Signal));
        ReceiveAny(_ => { });
    }

    private void OnEndGroupKill()
    {
        _child!.SignalGroup(Signals.Kill);
        Timers.StartSingleTimer("end-give-up", new EndGroupGiveUp(), _settings.KillWait);
    }

    private void ReportGroupEnded()
    {
        _endRequester?.Tell(new GroupEnded(_instance));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Stopped before the group was ended (the node is going down hard): leave nothing running, and no reader.
        if (_endRequester is null) _child?.SignalGroup(Signals.Kill);
        Abandon();
        _child?.Dispose();
    }
}
