using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Where nodes arrive, at /user/ingest (the one path nodes address). Accepts a node's join, then its
/// batches strictly in sequence: the next one is passed to the merge and acknowledged, a repeat is
/// acknowledged again and dropped, one that skips ahead (an earlier one was lost in transit) is dropped
/// until the node resends. Reports node-up when a node joins and node-down when it leaves or falls silent
/// for the node timeout. Batches from a node that has not joined are dropped. Accepted batches, every answer
/// and everything for the merge go out through the <see cref="IngestOutput"/> (with an archive, written
/// first and answered and passed on after), and the runs the archive already holds are known from the start,
/// so their resent batches are repeats.
/// With a token configured, a join without it is answered with <see cref="JoinRefused"/>, as is a join under
/// a new name once max-nodes nodes are up (so joins under made-up names cannot grow memory). A node that went
/// down is remembered for forget-down-node-after (at most max-nodes of them, the oldest forgotten first), so
/// its resent batches are still known as repeats; the runs restored from the archive count as down. Every join is
/// given a session key; batches, heartbeats and goodbyes without the current key are dropped, counted, and
/// reported at most once per node per minute. A join under a name outside <see cref="NodeName"/>'s rule is
/// refused. The node obeys only answers that echo its join's nonce, and acknowledgements, clock probes and
/// time refusals that carry its session key, so every answer here carries them. A batch or heartbeat whose
/// times, corrected onto our clock, lie beyond max-clock-distance is refused (not taken, not acknowledged:
/// the node keeps it) and answered with <see cref="TimesRefused"/> saying why; counted, and logged at most
/// once a minute.
/// <para>
/// Backpressure: what was accepted and not yet written by the slowest sink is the <see cref="PendingOutput"/>,
/// bounded by max-pending-records and max-pending-bytes. From half of a bound, batches are still taken but
/// acknowledgements are withheld, so each node's window fills and it stops sending: its lines wait at the
/// node, in memory and then in its spool, where a child is never stalled. At the bound, a batch is turned
/// away (dropped, not kept), so nothing a node sends or resends can grow what is held past the bound plus
/// one batch. Acks withheld still leave nodes hearing from us: every batch, resend and heartbeat is answered
/// with what is acknowledged so far (no progress, but proof of life, so no node re-joins), and every message
/// a node sends counts as hearing from it (so no node-down). Once pending output is below half again, the
/// withheld acks go out, and a node that had a batch turned away gets <see cref="JoinAccepted"/> again: as
/// after a join, it resends from the batch we expect at once instead of waiting out its resend timer.
/// Withholding first, turning away only at the bound, chosen over turning away alone: in a steady flood the
/// nodes' windows stop at the acks and few batches cross the wire for nothing. Dropping rather than parking
/// what does not fit keeps the bound the aggregator's own, whatever the nodes' windows and however many nodes.
/// </para>
/// </summary>
public sealed class IngestActor : ReceiveActor, IWithTimers
{
    private readonly IngestOutput _output;
    private readonly PendingOutput _pending;
    private readonly AggregatorSettings _settings;
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly Dictionary<string, NodeLink> _links = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AccessToken? _token;
    private readonly DropCounter _forged = new(TimeSpan.FromMinutes(1));
    private readonly DropCounter _refused = new(TimeSpan.FromMinutes(1));
    private readonly DropCounter _turnedAway = new(TimeSpan.FromMinutes(1));
    private readonly DropCounter _outOfTime = new(TimeSpan.FromMinutes(1));
    private readonly ClockDistance _clockDistance;
    private bool _withholdingAcks;

    public IngestActor(IngestOutput output, PendingOutput pending, AggregatorSettings settings, AccessToken? token)
    {
        _output = output;
        _pending = pending;
        _settings = settings;
        _token = token;
        _clockDistance = new ClockDistance(settings.MaxClockDistance);
        // Runs the archive holds get a fresh key: their nodes re-join (this is a new aggregator) and receive it.
        foreach (var (node, archived) in output.ArchivedNodes)
            _links[node] = new NodeLink(archived.Incarnation, archived.LastBatch + 1, SessionKeys.New());

        Receive<JoinRequest>(OnJoin);
        Receive<LineBatch>(OnBatch);
        Receive<Heartbeat>(OnHeartbeat);
        Receive<NodeLeaving>(OnLeaving);
        Receive<CheckLiveness>(_ => OnCheckLiveness());
        Receive<ProbeClocks>(_ => OnProbeClocks());
        Receive<ClockReply>(OnClockReply);
        Receive<OutputLow>(_ => OnOutputLow());
        Receive<CountDropped>(_ => Sender.Tell(new DroppedCount(_forged.Total, _outOfTime.Total)));

        // Checking eight times per timeout: node-down comes at most an eighth of the timeout late.
        Timers.StartPeriodicTimer("liveness", new CheckLiveness(), settings.NodeTimeout / 8);
        Timers.StartPeriodicTimer("clocks", new ProbeClocks(), settings.ClockProbeInterval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IngestOutput output, PendingOutput pending, AggregatorSettings settings, AccessToken? token = null) =>
        Akka.Actor.Props.Create(() => new IngestActor(output, pending, settings, token));

    /// <summary>Messages dropped so far for lacking the current session key, and batches and heartbeats refused for their times.</summary>
    public sealed record CountDropped;

    public sealed record DroppedCount(long Messages, long OutOfTime = 0);

    private sealed record CheckLiveness;
    private sealed record ProbeClocks;
    private sealed record OutputLow;

    private void OnJoin(JoinRequest join)
    {
        // First: whatever is logged or tracked after this names a node by a name that is safe to print.
        if (!NodeName.IsValid(join.Node))
        {
            Refuse(join, $"its name \"{PrintableText.Escape(join.Node)}\" breaks the rule: {NodeName.Rule}. Give the node another with --name NAME.",
                countAs: "(a name outside the rule)");
            return;
        }
        if (_token is not null && !_token.Matches(join.Token))
        {
            Refuse(join, (join.Token.Length == 0 ? "it gave no token, and this aggregator requires one." : "its token does not match the aggregator's.") +
                         " Give the aggregator's token with --token-file FILE or the CHORUS_TOKEN environment variable.");
            return;
        }
        if (!_links.ContainsKey(join.Node) && _links.Values.Count(l => l.Up) >= _settings.MaxNodes)
        {
            Refuse(join, $"this aggregator already tracks {_settings.MaxNodes} nodes, its limit. Reuse a node name with --name, " +
                         "or raise chorus.aggregator.max-nodes in the aggregator's --config file.", countAs: "(any new name)");
            return;
        }
        if (!_links.TryGetValue(join.Node, out var link) || link.Incarnation != join.Incarnation)
        {
            // A new run of the node: whatever the old run did not deliver is gone with it.
            if (link is { Up: true }) _output.ToMerge(new MergeActor.NodeDisconnected(join.Node));
            if (link is null) ForgetOldestDownBeyond(_settings.MaxNodes - 1);
            _links[join.Node] = link = new NodeLink(join.Incarnation, join.FirstSeq, SessionKeys.New());
            _log.Info("Node {0} joined from {1}", join.Node, Sender.Path.Address);
        }
        link.NextSeq = Math.Max(link.NextSeq, join.FirstSeq);
        link.LastHeard = DateTime.UtcNow;
        link.Uplink = Sender;
        link.JoinNonce = join.Nonce;
        // The node's lines must be placed on our clock from the first one: a first guess now, probes refine it.
        if (join.SentAt != default) link.Clock.Seed(join.SentAt - DateTime.UtcNow);
        _output.ToMerge(new MergeActor.NodeClock(join.Node, -link.Clock.Offset));
        if (!link.Up)
        {
            link.Up = true;
            _output.ToMerge(new MergeActor.NodeConnected(join.Node));
        }
        // The answer says where to resend from, which acknowledges everything before it.
        link.Acknowledged = link.NextSeq - 1;
        link.TurnedAway = false;
        Reply(null, new JoinAccepted(_incarnation, link.NextSeq, link.SessionKey, join.Nonce));
        Sender.Tell(new ClockProbe(DateTime.UtcNow, link.SessionKey));
    }

    private void OnBatch(LineBatch batch)
    {
        if (!TryLink(batch.Node, batch.Incarnation, batch.SessionKey, out var link)) return;
        if (!WithinClockDistance(batch.Node, link, batch.Watermark, batch.Records)) return;
        var accepted = batch.Seq == link.NextSeq && HasRoomFor(batch, link);
        if (accepted)
        {
            link.NextSeq++;
            _pending.Accept(batch.Records);
        }
        Reply(accepted ? batch : null, new BatchAck(link.Incarnation, Acknowledge(link), link.SessionKey));
    }

    /// <summary>
    /// Whether pending output leaves room for the node's next batch. From half its bound on, acknowledgements
    /// are withheld until it is low again; at the bound the batch is turned away and the node remembered.
    /// </summary>
    private bool HasRoomFor(LineBatch batch, NodeLink link)
    {
        var fill = _pending.Level;
        if (fill == PendingOutput.Fill.Low) return true;
        if (!_withholdingAcks)
        {
            _withholdingAcks = true;
            _pending.WhenLow().PipeTo(Self, success: () => new OutputLow());
        }
        if (fill == PendingOutput.Fill.High) return true;
        link.TurnedAway = true;
        if (_turnedAway.Count(batch.Node, DateTime.UtcNow) is var count and > 0)
        {
            var (records, bytes, slowest) = _pending.Held;
            _log.Warning("Output is behind: {0} records ({1:0.#} MiB) wait for the {2} sink. Turned away {3} batch(es) of node {4}; " +
                         "the node keeps its lines (spooling to disk if need be) and resends when there is room.",
                records, bytes / 1048576.0, slowest, count, batch.Node);
        }
        return false;
    }

    /// <summary>What the node may be told we hold: everything accepted, unless acknowledgements are being withheld.</summary>
    private long Acknowledge(NodeLink link)
    {
        if (!_withholdingAcks) link.Acknowledged = link.NextSeq - 1;
        return link.Acknowledged;
    }

    /// <summary>
    /// The sinks have caught up: withheld acknowledgements go out, and a node whose batch was turned away is
    /// told where to resend from (<see cref="JoinAccepted"/>, which every node answers by resending from there).
    /// </summary>
    private void OnOutputLow()
    {
        _withholdingAcks = false;
        foreach (var link in _links.Values)
        {
            var owed = link.Acknowledged < link.NextSeq - 1;
            var turnedAway = link.TurnedAway;
            link.TurnedAway = false;
            link.Acknowledged = link.NextSeq - 1;
            if (!link.Up || link.Uplink is not { } uplink) continue;
            if (turnedAway) _output.Answer(uplink, new JoinAccepted(_incarnation, link.NextSeq, link.SessionKey, link.JoinNonce));
            else if (owed) _output.Answer(uplink, new BatchAck(link.Incarnation, link.Acknowledged, link.SessionKey));
        }
    }

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        if (!TryLink(heartbeat.Node, heartbeat.Incarnation, heartbeat.SessionKey, out var link)) return;
        if (!WithinClockDistance(heartbeat.Node, link, heartbeat.Watermark, [])) return;
        // The watermark holds only once every batch sent before the heartbeat is here.
        if (heartbeat.LastBatchSeq < link.NextSeq)
            _output.ToMerge(new MergeActor.NodeProgress(heartbeat.Node, heartbeat.Watermark));
        Reply(null, new BatchAck(link.Incarnation, Acknowledge(link), link.SessionKey));
    }

    /// <summary>
    /// Whether the times of a batch or heartbeat, on our clock, are near enough to it to be merged. If not, the
    /// node is told why (and, as for any message, what is acknowledged, so it does not re-join) and keeps its lines.
    /// </summary>
    private bool WithinClockDistance(string node, NodeLink link, DateTime watermark, IReadOnlyList<NodeRecord> records)
    {
        var now = DateTime.UtcNow;
        if (_clockDistance.Beyond(watermark, records, link.Clock.Offset, now) is not { } off) return true;
        var reason = _clockDistance.Reason(off);
        Reply(null, new TimesRefused(link.Incarnation, reason, link.SessionKey));
        Reply(null, new BatchAck(link.Incarnation, Acknowledge(link), link.SessionKey));
        if (_outOfTime.Count("(all nodes)", now) is var count and > 0)
            _log.Warning("Refused {0} batch(es) or heartbeat(s) for their times, the last from node {1}: {2}", count, node, reason);
        return false;
    }

    private void OnLeaving(NodeLeaving leaving)
    {
        if (!TryLink(leaving.Node, leaving.Incarnation, leaving.SessionKey, out var link)) return;
        link.Up = false;
        link.DownSince = DateTime.UtcNow;
        _output.ToMerge(new MergeActor.NodeDisconnected(leaving.Node));
    }

    private void OnProbeClocks()
    {
        foreach (var link in _links.Values)
            if (link.Up) link.Uplink?.Tell(new ClockProbe(DateTime.UtcNow, link.SessionKey));
    }

    /// <summary>
    /// NTP-style: the node's clock against ours. The merge then orders this node's lines by its timestamps
    /// corrected onto our clock, so a host whose clock is off by seconds still takes its place in time.
    /// </summary>
    private void OnClockReply(ClockReply reply)
    {
        var receivedAt = DateTime.UtcNow;
        if (!TryLink(reply.Node, reply.Incarnation, reply.SessionKey, out var link)) return;
        link.Clock.Add(reply.EchoSentAt, reply.ReceivedAt, reply.RepliedAt, receivedAt);
        _output.ToMerge(new MergeActor.NodeClock(reply.Node, -link.Clock.Offset));
    }

    private void OnCheckLiveness()
    {
        var downBefore = DateTime.UtcNow - _settings.ForgetDownNodeAfter;
        foreach (var (node, link) in _links)
            if (!link.Up && link.DownSince < downBefore) _links.Remove(node);
        var silentSince = DateTime.UtcNow - _settings.NodeTimeout;
        foreach (var (node, link) in _links)
        {
            if (!link.Up || link.LastHeard > silentSince) continue;
            link.Up = false;
            link.DownSince = DateTime.UtcNow;
            _log.Warning("Node {0} has not been heard from for {1:0.#} s: reporting node-down.", node, _settings.NodeTimeout.TotalSeconds);
            _output.ToMerge(new MergeActor.NodeDisconnected(node));
        }
    }

    /// <summary>Makes room for a new name: at most <paramref name="keep"/> down links stay remembered, the oldest go first.</summary>
    private void ForgetOldestDownBeyond(int keep)
    {
        var down = _links.Where(l => !l.Value.Up).ToList();
        if (down.Count <= keep) return;
        foreach (var (node, _) in down.OrderBy(l => l.Value.DownSince).Take(down.Count - keep))
            _links.Remove(node);
    }

    /// <summary>Answers the sender, after passing on <paramref name="accepted"/> (archived first, with an archive).</summary>
    private void Reply(LineBatch? accepted, object answer) => _output.Answer(Sender, answer, accepted);

    /// <summary>Answers a join with the reason; warns at most once a minute per <paramref name="countAs"/>, with the count.</summary>
    private void Refuse(JoinRequest join, string reason, string? countAs = null)
    {
        Sender.Tell(new JoinRefused(reason, join.Nonce));
        if (_refused.Count(countAs ?? join.Node, DateTime.UtcNow) is var count and > 0)
            _log.Warning("Refused {0} join(s) as node {1} from {2}: {3}", count, countAs ?? join.Node, Sender.Path.Address, reason);
    }

    /// <summary>
    /// The current, joined link of that node run; anything else is dropped (and the node will re-join).
    /// Without the link's session key the message did not come from the node that joined: dropped and counted.
    /// </summary>
    private bool TryLink(string node, long incarnation, string sessionKey, out NodeLink link)
    {
        var known = _links.TryGetValue(node, out link!);
        // An earlier run of a node that restarted may still have messages in flight: stale, not forged.
        if (known && link.Incarnation != incarnation) return false;
        if (!known || !SessionKeys.Same(link.SessionKey, sessionKey))
        {
            if (_forged.Count(node, DateTime.UtcNow) is var count and > 0)
                _log.Warning("Dropped {0} message(s) claiming to come from node {1} without its session key (last from {2}): a peer that never joined is sending.",
                    count, node, Sender.Path.Address);
            return false;
        }
        if (link.Up)
        {
            link.LastHeard = DateTime.UtcNow;
            return true;
        }
        return false;
    }
}
