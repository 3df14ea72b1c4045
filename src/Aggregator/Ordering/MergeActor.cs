using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Turns every node's batches into one ordered stream, at /user/merge. Fed by the ingest, through its
/// IngestOutput (batches, watermarks, clock corrections, nodes arriving and leaving); holds records in a
/// <see cref="ReorderBuffer"/>, folds what it releases of tasks run with --fold (<see cref="LineFolder"/>, asked by
/// <see cref="FoldLines"/>) and hands each run that leaves to every sink as one <see cref="OutputChunk"/>.
/// Sinks are actors, so a slow one never holds up the merge or another sink. <see cref="FlushOutput"/>
/// releases everything held and is answered with <see cref="OutputFlushed"/> once every sink has written it.
/// Takes no wire type: a remoting peer can send to /user/merge, so batches arrive only as
/// <see cref="AcceptedBatch"/>, which no serializer is bound to (only the ingest checks who sent a batch).
/// A message it throws on does not restart it: what it held goes out unordered and marked late, and it carries on.
/// </summary>
public sealed class MergeActor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyList<IActorRef> _sinks;
    private readonly ReorderBuffer _buffer;
    private readonly LineFolder _folder = new();
    // What the reorder buffer released, then what leaves: runs, as the buffer made them. While a task is folded, the
    // released runs go through the folder item by item (_taken counts them, see SendOnUnordered) and what it lets go
    // waits in _folded until it becomes runs again.
    private List<OutputRun> _released = [];
    private List<OutputRun> _leaving = [];
    private readonly List<OutputItem> _folded = [];
    private int _takenRuns, _taken;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _releaseInterval;
    // The batch being taken in, until the buffer holds it (it takes all of a batch or nothing).
    private LineBatch? _arriving;

    public MergeActor(IReadOnlyList<IActorRef> sinks, AggregatorSettings settings)
    {
        _sinks = sinks;
        _buffer = new ReorderBuffer(settings.ReorderWindow);

        Receive<AcceptedBatch>(OnBatch);
        Receive<NodeProgress>(p => { _buffer.Advance(p.Node, p.Watermark); Release(); });
        Receive<NodeClock>(c => _buffer.SetCorrection(c.Node, c.Correction));
        Receive<NodeConnected>(OnNodeConnected);
        Receive<NodeDisconnected>(d => { _buffer.Disconnect(d.Node, DateTime.UtcNow); Release(); });
        Receive<Observed>(o => Publish([OutputRun.Of(o.Item)]));
        Receive<FoldLines>(f => { _folder.Start(f.Process, f.Nodes, f.Window); Release(); });
        Receive<ReleaseDue>(_ => Release());
        Receive<FlushOutput>(_ => OnFlush());
        _releaseInterval = settings.ReleaseInterval;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<IActorRef> sinks, AggregatorSettings settings) =>
        Akka.Actor.Props.Create(() => new MergeActor(sinks, settings));

    /// <summary>
    /// A batch the ingest accepted (right session key, next in sequence, counted in PendingOutput).
    /// Not an IChorusMessage, so it can never arrive from the wire: a peer's own LineBatch sent here is unhandled.
    /// </summary>
    public sealed record AcceptedBatch(LineBatch Batch);

    /// <summary>A node reported that nothing older than <paramref name="Watermark"/> is still to come.</summary>
    public sealed record NodeProgress(string Node, DateTime Watermark);

    /// <summary>Add <paramref name="Correction"/> to this node's timestamps to put them on the aggregator's clock.</summary>
    public sealed record NodeClock(string Node, TimeSpan Correction);

    /// <summary>The node joined; <paramref name="ChorusVersion"/> is the build it said it runs.</summary>
    public sealed record NodeConnected(string Node, string ChorusVersion);

    public sealed record NodeDisconnected(string Node);

    /// <summary>An observation of the aggregator's own (a task's change of state): it goes to the sinks now, as node-up does.</summary>
    public sealed record Observed(OutputItem Item);

    /// <summary>
    /// From the task queue: fold the lines of <paramref name="Process"/> (a task run with --fold) that
    /// <paramref name="Nodes"/> print, holding each up to <paramref name="Window"/> for the same line from the others
    /// (see <see cref="OutputItem.FoldedNodes"/>). Folding ends by itself once each of them has sent its exited or gone down.
    /// Send it first with no nodes before the task goes to its nodes (a fast command's lines can reach the merge before
    /// the nodes' answers reach the queue), then again with the nodes that answered ok (see <see cref="LineFolder.Start"/>).
    /// </summary>
    public sealed record FoldLines(string Process, IReadOnlyCollection<string> Nodes, TimeSpan Window);

    private sealed record ReleaseDue;

    // An exception (a time out of range, say) must not lose what the buffer holds: PendingOutput counts those
    // records until a sink is done with them, so a restart that dropped them would leak that count (and, once the
    // leak reached half its bound, hold every node back for good) and forget which nodes are connected.
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            SendOnUnordered(message, e);
            return true;
        }
    }

    private void OnBatch(AcceptedBatch accepted)
    {
        var batch = accepted.Batch;
        _arriving = batch;
        _buffer.Add(batch.Node, batch.Records, batch.Watermark, DateTime.UtcNow);
        _arriving = null;
        Release();
    }

    /// <summary>
    /// After an exception: whatever a release had taken out, everything the buffer holds and the batch it had
    /// not taken in go to the sinks now, marked late. Nodes stay connected, with their progress.
    /// </summary>
    private void SendOnUnordered(object message, Exception e)
    {
        var runs = new List<OutputRun>(_leaving);
        OutputChunk.AddRuns(_folded, runs);
        for (var i = _takenRuns; i < _released.Count; i++) runs.Add(i == _takenRuns ? _released[i].Skip(_taken) : _released[i]);
        _leaving.Clear();
        _folded.Clear();
        _released.Clear();
        (_takenRuns, _taken) = (0, 0);
        var folded = new List<OutputItem>();
        _folder.ReleaseAll(folded);
        OutputChunk.AddRuns(folded, runs);
        _buffer.TakeAll(runs);
        if (_arriving is { Records.Count: > 0 } batch) runs.Add(new OutputRun(batch.Node, batch.Records, 0, batch.Records.Count, Late: true));
        _arriving = null;
        runs.RemoveAll(r => r.Count == 0);
        _log.Warning("The merge failed on {0} ({1}: {2}); {3} record(s) it held go out now, unordered and marked late. Nothing is lost.",
            message.GetType().Name, e.GetType().Name, e.Message, runs.Sum(r => r.Count));
        if (runs.Count > 0) Publish(runs);
    }

    private void OnNodeConnected(NodeConnected connected)
    {
        _buffer.Connect(connected.Node);
        // node-up is the aggregator's own observation, so it goes out now rather than in node time.
        var up = NodeRecord.NodeUp(DateTime.UtcNow, connected.ChorusVersion);
        Publish([OutputRun.Of(new OutputItem(connected.Node, up))]);
    }

    private void Release()
    {
        var now = DateTime.UtcNow;
        _buffer.Release(now, _released);
        Fold(now);
        _folder.Release(now, _folded);
        LeaveFolded();
        CheckAgainWhileHolding();
        PublishLeaving();
    }

    // Item by item, counting: if the folder throws, SendOnUnordered sends on exactly what it had not taken yet.
    private void Fold(DateTime now)
    {
        // Nothing is folded nearly always: then the runs released leave as they are.
        if (!_folder.Folding)
        {
            if (_leaving.Count == 0) (_released, _leaving) = (_leaving, _released);
            else
            {
                _leaving.AddRange(_released);
                _released.Clear();
            }
            return;
        }
        for (_takenRuns = 0; _takenRuns < _released.Count; _takenRuns++)
        {
            var run = _released[_takenRuns];
            for (_taken = 0; _taken < run.Count; _taken++) _folder.Add(run.Item(_taken), now, _folded);
        }
        _released.Clear();
        (_takenRuns, _taken) = (0, 0);
        LeaveFolded();
    }

    // What the folder let go becomes runs again, behind what leaves already.
    private void LeaveFolded()
    {
        OutputChunk.AddRuns(_folded, _leaving);
        _folded.Clear();
    }

    private void PublishLeaving()
    {
        if (_leaving.Count == 0) return;
        Publish(_leaving.ToArray());
        _leaving.Clear();
    }

    // Held records wait for other nodes' progress or for the window to run out (the reorder window, or a folded
    // task's window for the same line from the other nodes), which only the clock tells: look
    // again every release-interval while anything is held, and not at all while nothing is (an idle aggregator).
    private void CheckAgainWhileHolding()
    {
        var running = Timers.IsTimerActive("release");
        var holding = _buffer.Holding || _folder.Holding;
        if (holding && !running) Timers.StartPeriodicTimer("release", new ReleaseDue(), _releaseInterval);
        else if (!holding && running) Timers.Cancel("release");
    }

    private void OnFlush()
    {
        _buffer.ReleaseAll(_released);
        Fold(DateTime.UtcNow);
        _folder.ReleaseAll(_folded);
        LeaveFolded();
        PublishLeaving();
        var replies = _sinks.Select(s => s.Ask<OutputFlushed>(new FlushOutput())).ToArray();
        Task.WhenAll(replies).ContinueWith(_ => new OutputFlushed()).PipeTo(Sender);
    }

    private void Publish(IReadOnlyList<OutputRun> runs)
    {
        var chunk = new OutputChunk(runs);
        foreach (var sink in _sinks) sink.Tell(chunk);
    }
}
