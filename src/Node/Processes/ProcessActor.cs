using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chorus.Messages;
using Chorus.Node.Procfile;
using Chorus.Node.Uplink;

namespace Chorus.Node.Processes;

/// <summary>
/// Runs one Procfile entry. Child of <see cref="NodeActor"/>. Starts the command, reads its stdout and
/// stderr with one Akka.Streams graph (framing each pipe into lines, merging the two), numbers the lines and
/// hands them to the uplink. Reports started and exited to the uplink, and <see cref="Finished"/> to its
/// parent once the child has exited and its pipes are drained, so "exited" always follows the last line.
/// The stream never waits for the uplink: a child must not stall because the network is slow.
/// </summary>
public sealed class ProcessActor : ReceiveActor, IWithTimers
{
    private readonly ProcfileEntry _entry;
    private readonly int _index;
    private readonly string _node;
    private readonly IActorRef _uplink;
    private readonly NodeSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private ChildProcess? _child;
    // One counter for both streams: a gap in seq then always means a lost line, whichever pipe it was on.
    private long _nextSeq = 1;
    private bool _outputEnded;
    private ChildExited? _exit;
    private bool _finished;

    public ProcessActor(ProcfileEntry entry, int index, string node, IActorRef uplink, NodeSettings settings)
    {
        _entry = entry;
        _index = index;
        _node = node;
        _uplink = uplink;
        _settings = settings;

        Receive<Output>(OnOutput);
        Receive<OutputEnded>(OnOutputEnded);
        Receive<ChildExited>(OnChildExited);
        Receive<ExitDrainExpired>(_ => Finish());
        Receive<SendSignal>(OnSendSignal);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProcfileEntry entry, int index, string node, IActorRef uplink, NodeSettings settings) =>
        Akka.Actor.Props.Create(() => new ProcessActor(entry, index, node, uplink, settings));

    /// <summary>Deliver a signal to the child's whole process group.</summary>
    public sealed record SendSignal(int Signal);

    /// <summary>Sent to the parent when the child has exited and everything it wrote has been handed on.</summary>
    public sealed record Finished(string Process, int? ExitCode, int? Signal);

    private sealed record Output(OutputStream Stream, IReadOnlyList<FramedLine> Lines);
    private sealed record OutputEnded(Exception? Failure);
    private sealed record ChildExited(int? Code, int? Signal);
    private sealed record ExitDrainExpired;

    protected override void PreStart()
    {
        try
        {
            _child = ChildProcess.Start(_entry, ProcessEnvironment.For(_entry, _index, _node));
        }
        catch (InvalidOperationException e)
        {
            _log.Error(e.Message);
            // The shell's code for "command not found": the user sees the process exit rather than vanish.
            _outputEnded = true;
            Self.Tell(new ChildExited(127, null));
            return;
        }

        _uplink.Tell(new UplinkActor.ProcessStarted(_entry.Name, _child.Pid));
        ReadOutput(_child);
        var self = Self;
        _child.WaitForExitAsync().ContinueWith(t => self.Tell(new ChildExited(t.Result.Code, t.Result.Signal)),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void ReadOutput(ChildProcess child)
    {
        Source<Output, Akka.NotUsed> Pipe(Stream pipe, OutputStream stream) =>
            PipeSource.Create(pipe, _settings.ReadChunkBytes, _settings.MaxLineBytes)
                .Select(lines => new Output(stream, lines));

        Pipe(child.Stdout, OutputStream.Stdout)
            .Merge(Pipe(child.Stderr, OutputStream.Stderr))
            .RunWith(Sink.ActorRef<Output>(Self, new OutputEnded(null), e => new OutputEnded(e)), Context.Materializer());
    }

    private void OnSendSignal(SendSignal send)
    {
        // Once the leader is reaped and the pipes are closed the group may be gone and its id reused.
        if (_child is not null && (_exit is null || !_outputEnded)) _child.SignalGroup(send.Signal);
    }

    private void OnOutput(Output output)
    {
        _uplink.Tell(new UplinkActor.LinesRead(_entry.Name, output.Stream, _nextSeq, output.Lines));
        _nextSeq += output.Lines.Count;
    }

    private void OnOutputEnded(OutputEnded ended)
    {
        if (ended.Failure is { } failure)
            _log.Warning("Reading the output of \"{0}\" failed: {1}", _entry.Name, failure.Message);
        _outputEnded = true;
        if (_exit is not null) Finish();
    }

    private void OnChildExited(ChildExited exit)
    {
        _exit = exit;
        if (_outputEnded) Finish();
        // Something the command started in the background may still hold the pipes open; keep reading a
        // little, then report the exit anyway rather than never.
        else Timers.StartSingleTimer("exit-drain", new ExitDrainExpired(), _settings.ExitDrainTimeout);
    }

    private void Finish()
    {
        if (_exit is null || _finished) return;
        _finished = true;
        _uplink.Tell(new UplinkActor.ProcessExited(_entry.Name, _exit.Code, _exit.Signal));
        Context.Parent.Tell(new Finished(_entry.Name, _exit.Code, _exit.Signal));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Stopped while the child still runs (the node is going down hard): leave nothing running.
        if (_exit is null) _child?.SignalGroup(ChildProcess.SigKill);
        _child?.Dispose();
    }
}
