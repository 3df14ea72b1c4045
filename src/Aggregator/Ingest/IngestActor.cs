using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Where nodes arrive, at /user/ingest (the one path nodes address). Accepts a node's join, then its
/// batches strictly in sequence: the next one is passed to the merge and acknowledged, a repeat is
/// acknowledged again and dropped, one that skips ahead (an earlier one was lost in transit) is dropped
/// until the node resends. Reports node-up when a node joins and node-down when it leaves or falls silent
/// for the node timeout. Batches from a node that has not joined are dropped.
/// </summary>
public sealed class IngestActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _merge;
    private readonly AggregatorSettings _settings;
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly Dictionary<string, NodeLink> _links = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public IngestActor(IActorRef merge, AggregatorSettings settings)
    {
        _merge = merge;
        _settings = settings;

        Receive<JoinRequest>(OnJoin);
        Receive<LineBatch>(OnBatch);
        Receive<Heartbeat>(OnHeartbeat);
        Receive<NodeLeaving>(OnLeaving);
        Receive<CheckLiveness>(_ => OnCheckLiveness());

        // Checking a few times per timeout keeps detection close to the configured time.
        Timers.StartPeriodicTimer("liveness", new CheckLiveness(), settings.NodeTimeout / 4);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef merge, AggregatorSettings settings) =>
        Akka.Actor.Props.Create(() => new IngestActor(merge, settings));

    private sealed record CheckLiveness;

    private void OnJoin(JoinRequest join)
    {
        if (!_links.TryGetValue(join.Node, out var link) || link.Incarnation != join.Incarnation)
        {
            // A new run of the node: whatever the old run did not deliver is gone with it.
            if (link is { Up: true }) _merge.Tell(new MergeActor.NodeDisconnected(join.Node));
            _links[join.Node] = link = new NodeLink(join.Incarnation, join.FirstSeq);
            _log.Info("Node {0} joined from {1}", join.Node, Sender.Path.Address);
        }
        link.NextSeq = Math.Max(link.NextSeq, join.FirstSeq);
        link.LastHeard = DateTime.UtcNow;
        if (!link.Up)
        {
            link.Up = true;
            _merge.Tell(new MergeActor.NodeConnected(join.Node));
        }
        Sender.Tell(new JoinAccepted(_incarnation, link.NextSeq));
    }

    private void OnBatch(LineBatch batch)
    {
        if (!TryLink(batch.Node, batch.Incarnation, out var link)) return;
        if (batch.Seq == link.NextSeq)
        {
            link.NextSeq++;
            _merge.Tell(batch);
        }
        Sender.Tell(new BatchAck(link.Incarnation, link.NextSeq - 1));
    }

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        if (!TryLink(heartbeat.Node, heartbeat.Incarnation, out var link)) return;
        // The watermark holds only once every batch sent before the heartbeat is here.
        if (heartbeat.LastBatchSeq < link.NextSeq)
            _merge.Tell(new MergeActor.NodeProgress(heartbeat.Node, heartbeat.Watermark));
        Sender.Tell(new BatchAck(link.Incarnation, link.NextSeq - 1));
    }

    private void OnLeaving(NodeLeaving leaving)
    {
        if (!TryLink(leaving.Node, leaving.Incarnation, out var link)) return;
        link.Up = false;
        _merge.Tell(new MergeActor.NodeDisconnected(leaving.Node));
    }

    private void OnCheckLiveness()
    {
        var silentSince = DateTime.UtcNow - _settings.NodeTimeout;
        foreach (var (node, link) in _links)
        {
            if (!link.Up || link.LastHeard > silentSince) continue;
            link.Up = false;
            _log.Warning("Node {0} has not been heard from for {1:0.#} s: reporting node-down.", node, _settings.NodeTimeout.TotalSeconds);
            _merge.Tell(new MergeActor.NodeDisconnected(node));
        }
    }

    /// <summary>The current, joined link of that node run; anything else is dropped (and the node will re-join).</summary>
    private bool TryLink(string node, long incarnation, out NodeLink link)
    {
        if (_links.TryGetValue(node, out link!) && link.Incarnation == incarnation && link.Up)
        {
            link.LastHeard = DateTime.UtcNow;
            return true;
        }
        return false;
    }
}
