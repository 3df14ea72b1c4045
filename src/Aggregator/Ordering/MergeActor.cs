using Akka.Actor;
using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Turns every node's batches into one ordered stream, at /user/merge. Fed by the IngestActor (batches,
/// watermarks, nodes arriving and leaving); holds records in a <see cref="ReorderBuffer"/> and hands each
/// released run to every sink as one <see cref="OutputChunk"/>. Sinks are actors, so a slow one never
/// holds up the merge or another sink.
/// </summary>
public sealed class MergeActor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyList<IActorRef> _sinks;
    private readonly ReorderBuffer _buffer;
    private readonly List<OutputItem> _released = [];

    public MergeActor(IReadOnlyList<IActorRef> sinks, AggregatorSettings settings)
    {
        _sinks = sinks;
        _buffer = new ReorderBuffer(settings.ReorderWindow);

        Receive<LineBatch>(b => { _buffer.Add(b.Node, b.Records, b.Watermark, DateTime.UtcNow); Release(); });
        Receive<NodeProgress>(p => { _buffer.Advance(p.Node, p.Watermark); Release(); });
        Receive<NodeClock>(c => _buffer.SetCorrection(c.Node, c.Correction));
        Receive<NodeConnected>(OnNodeConnected);
        Receive<NodeDisconnected>(d => { _buffer.Disconnect(d.Node, DateTime.UtcNow); Release(); });
        Receive<ReleaseDue>(_ => Release());
        Receive<FlushAll>(OnFlushAll);

        Timers.StartPeriodicTimer("release", new ReleaseDue(), settings.ReleaseInterval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<IActorRef> sinks, AggregatorSettings settings) =>
        Akka.Actor.Props.Create(() => new MergeActor(sinks, settings));

    /// <summary>A node reported that nothing older than <paramref name="Watermark"/> is still to come.</summary>
    public sealed record NodeProgress(string Node, DateTime Watermark);

    /// <summary>Add <paramref name="Correction"/> to this node's timestamps to put them on the aggregator's clock.</summary>
    public sealed record NodeClock(string Node, TimeSpan Correction);

    public sealed record NodeConnected(string Node);

    public sealed record NodeDisconnected(string Node);

    /// <summary>Release everything held and have every sink write it; answered with <see cref="Flushed"/>.</summary>
    public sealed record FlushAll;

    public sealed record Flushed;

    /// <summary>Sent to sinks after a final chunk; a sink answers with <see cref="Flushed"/> once it is written.</summary>
    public sealed record SinkFlush;

    private sealed record ReleaseDue;

    private void OnNodeConnected(NodeConnected connected)
    {
        _buffer.Connect(connected.Node);
        // node-up is the aggregator's own observation, so it goes out now rather than in node time.
        var up = new NodeRecord(RecordKind.NodeUp, null, OutputStream.Stdout, 0, DateTime.UtcNow, default);
        Publish([new OutputItem(connected.Node, up)]);
    }

    private void Release()
    {
        _buffer.Release(DateTime.UtcNow, _released);
        if (_released.Count == 0) return;
        Publish(_released.ToArray());
        _released.Clear();
    }

    private void OnFlushAll(FlushAll _)
    {
        _buffer.ReleaseAll(_released);
        if (_released.Count > 0) Publish(_released.ToArray());
        _released.Clear();
        var replies = _sinks.Select(s => s.Ask<Flushed>(new SinkFlush())).ToArray();
        Task.WhenAll(replies).ContinueWith(_ => new Flushed()).PipeTo(Sender);
    }

    private void Publish(IReadOnlyList<OutputItem> items)
    {
        var chunk = new OutputChunk(items);
        foreach (var sink in _sinks) sink.Tell(chunk);
    }
}
