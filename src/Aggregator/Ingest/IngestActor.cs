using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Chorus.Messages.Control;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Where nodes arrive, at <see cref="IngestEndpoint.Path"/>: the one actor of the aggregator that acts on wire messages.
/// <list type="bullet">
/// <item>In, from nodes: <see cref="JoinRequest"/> (or <see cref="UnreadableJoin"/>, always refused), <see cref="LineBatch"/>, <see cref="Heartbeat"/>,
/// <see cref="ClockReply"/>, <see cref="NodeLeaving"/>, <see cref="SpoolReport"/>, <see cref="ProcessTable"/>, <see cref="ControlReply"/>; anything but a join must carry the run's session key.</item>
/// <item>Out, to the <see cref="ControlActor"/>: the control plane's part, once checked: who joined (with the uplink that
/// requests go to), went down or is forgotten, and the tables and replies of current runs.</item>
/// <item>Out, to nodes: <see cref="JoinAccepted"/>, <see cref="JoinRefused"/>, <see cref="BatchAck"/> for every batch
/// and heartbeat, <see cref="ResendFrom"/> (unasked, once the output has room again after turning a batch away),
/// <see cref="TimesRefused"/>, <see cref="ClockProbe"/>.</item>
/// <item>Out, to the merge: <see cref="MergeActor.AcceptedBatch"/>, <see cref="MergeActor.NodeConnected"/>,
/// <see cref="MergeActor.NodeDisconnected"/>, <see cref="MergeActor.NodeProgress"/>, <see cref="MergeActor.NodeClock"/>.
/// All of it, and every answer that reports what is held, goes out through the <see cref="IngestOutput"/>: straight on, or
/// through the archive. Refusals and clock probes report nothing held and go straight to the node.</item>
/// <item>In, from /metrics: <see cref="ReportLinks"/>, answered with <see cref="LinksReport"/>.</item>
/// <item>Its own: CheckLiveness and ProbeClocks (timers), OutputLow (pending output came down below half).</item>
/// </list>
/// The rules are plain classes, wired here: <see cref="JoinPolicy"/> (who may join), <see cref="NodeLinks"/>
/// (which run a message belongs to, its session key, node-down on silence), <see cref="BatchSequence"/>
/// (batches strictly in sequence), <see cref="AckWithholding"/> (backpressure), <see cref="SendWindows"/> (each node's
/// send window, granted on every answer that says what is held) and <see cref="ClockDistance"/>
/// (times near our clock). README's Reliability and Security sections tell why.
/// </summary>
public sealed class IngestActor : ReceiveActor, IWithTimers
{
    private readonly IngestOutput _output;
    private readonly PendingOutput _pending;
    private readonly AggregatorSettings _settings;
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private readonly JoinPolicy _joinPolicy;
    private readonly NodeLinks _links;
    private readonly AckWithholding _acks = new();
    private readonly SendWindows _windows;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DropCounter _forged, _refused, _turnedAway, _outOfTime;
    private readonly ClockDistance _clockDistance;
    private readonly IActorRef _control;
    private readonly ProgressRequests _progressRequests;

    public IngestActor(IngestOutput output, PendingOutput pending, AggregatorSettings settings, AccessToken? token, IActorRef control)
    {
        _control = control;
        _output = output;
        _pending = pending;
        _settings = settings;
        _joinPolicy = new JoinPolicy(token, settings.MaxNodes);
        _links = new NodeLinks(settings.MaxNodes, settings.NodeTimeout, settings.ForgetDownNodeAfter, settings.ClockProbeInterval, settings.ClockProbeIntervalIdle);
        _clockDistance = new ClockDistance(settings.MaxClockDistance);
        _windows = new SendWindows(settings.SendWindowTotal);
        _progressRequests = new ProgressRequests(settings.ProgressRequestInterval);
        (_forged, _refused, _turnedAway, _outOfTime) = (DropLog(), DropLog(), DropLog(), DropLog());
        foreach (var (node, archived) in output.ArchivedNodes)
            _links.Restore(node, archived.Incarnation, archived.LastBatch, DateTime.UtcNow);

        Receive<JoinRequest>(OnJoin);
        Receive<UnreadableJoin>(join => Refuse(join.Nonce, JoinPolicy.OtherWireVersion(join)));
        Receive<LineBatch>(OnBatch);
        Receive<Heartbeat>(OnHeartbeat);
        Receive<NodeLeaving>(OnLeaving);
        Receive<CheckLiveness>(_ => OnCheckLiveness());
        Receive<ProbeClocks>(_ => OnProbeClocks());
        Receive<ClockReply>(OnClockReply);
        Receive<OutputLow>(_ => OnOutputLow());
        Receive<SpoolReport>(OnSpoolReport);
        Receive<ReportLinks>(_ => Sender.Tell(new LinksReport(_links.Named.Where(l => l.Value.Up)
            .Select(l => new LinkFigures(l.Key, l.Value.Sequence.LastTaken - l.Value.Acknowledged, l.Value.SpooledBytes)).ToArray())));
        Receive<ProcessTable>(OnProcessTable);
        Receive<ControlReply>(OnControlReply);
        Receive<AskForProgress>(_ => Ask(_progressRequests.Due(DateTime.UtcNow)));

        // Checking eight times per timeout: node-down comes at most an eighth of the timeout late.
        Timers.StartPeriodicTimer("liveness", new CheckLiveness(), settings.NodeTimeout / 8);
        Timers.StartPeriodicTimer("clocks", new ProbeClocks(), settings.ClockProbeInterval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="control">The <see cref="ControlActor"/>; none (Nobody) where a test has no control plane.</param>
    public static Props Props(IngestOutput output, PendingOutput pending, AggregatorSettings settings, AccessToken? token, IActorRef? control = null)
    {
        var controlActor = control ?? ActorRefs.Nobody;
        return Akka.Actor.Props.Create(() => new IngestActor(output, pending, settings, token, controlActor));
    }

    /// <summary>Asks for every up node's figures (what /metrics shows); not a wire message, so no peer can send it.</summary>
    public sealed record ReportLinks;

    public sealed record LinksReport(IReadOnlyList<LinkFigures> Links);

    /// <summary>Batches taken but not yet acknowledged (withheld by backpressure), and the node's spool as it last reported it.</summary>
    public sealed record LinkFigures(string Node, long AckLagBatches, long SpooledBytes);

    private sealed record CheckLiveness;
    private sealed record ProbeClocks;
    private sealed record OutputLow;
    private sealed record AskForProgress;

    private DropCounter DropLog() => new(_settings.DropLogInterval, _settings.MaxNodes);

    private void OnJoin(JoinRequest join)
    {
        var link = _links.Find(join.Node);
        if (_joinPolicy.Judge(join, knownName: link is not null, _links.UpCount) is { } refusal)
        {
            Refuse(join.Nonce, refusal);
            return;
        }
        if (link is null || link.Incarnation != join.Incarnation)
        {
            if (link is { Up: true }) _output.ToMerge(new MergeActor.NodeDisconnected(join.Node));
            link = _links.StartRun(join.Node, join.Incarnation, join.FirstSeq);
            ForgetInControl();
            _log.Info("Node {0} joined from {1}", join.Node, Sender.Path.Address);
        }
        link.Sequence.ResumeAt(join.FirstSeq);
        link.LastHeard = DateTime.UtcNow;
        link.Uplink = Sender;
        // The node's lines must be placed on our clock from the first one: a first guess now, probes refine it. The
        // guess is wrong by the join's way here, which on a node's first join includes making the connection (half a
        // second on a cold start), so the answer below is a probe too, answered before the node's first lines.
        if (join.SentAt != default) link.Clock.Seed(join.SentAt - DateTime.UtcNow);
        _output.ToMerge(new MergeActor.NodeClock(join.Node, -link.Clock.Offset));
        if (!link.Up)
        {
            link.Up = true;
            _output.ToMerge(new MergeActor.NodeConnected(join.Node, join.ChorusVersion));
        }
        _progressRequests.Joined(join.Node, link);
        _acks.Joined(link);
        _control.Tell(new ControlActor.NodeJoined(join.Node, Sender, link.SessionKey, join.Labels));
        Reply(null, new JoinAccepted(_incarnation, link.Sequence.Next, link.SessionKey, join.Nonce, DateTime.UtcNow, Grant(link)));
        Sender.Tell(new ClockProbe(DateTime.UtcNow, link.SessionKey));
        link.ClockProbes?.Probed(DateTime.UtcNow);
    }

    private void OnBatch(LineBatch batch)
    {
        if (!TryLink(batch.Node, batch.Incarnation, batch.SessionKey, out var link)) return;
        if (!WithinClockDistance(batch.Node, link, batch.Watermark, batch.Records)) return;
        _windows.Sent(link, DateTime.UtcNow);
        var accepted = link.Sequence.IsNext(batch.Seq) && HasRoomFor(batch, link);
        if (accepted)
        {
            link.Sequence.Advance();
            _pending.Accept(batch.Records);
            if (batch.Records.Count > 0)
            {
                var now = DateTime.UtcNow;
                link.ClockProbes?.LinesArrived(now);
                Ask(_progressRequests.LinesArrived(link, now));
            }
        }
        Reply(accepted ? batch : null, Ack(link));
    }

    /// <summary>Whether pending output leaves room for the node's next batch: from half its bound acks are withheld, at the bound the batch is turned away.</summary>
    private bool HasRoomFor(LineBatch batch, NodeLink link)
    {
        var fill = _pending.Level;
        if (fill == PendingOutput.Fill.Low) return true;
        if (_acks.Withhold()) _pending.WhenLow().PipeTo(Self, success: () => new OutputLow());
        if (fill == PendingOutput.Fill.High) return true;
        _acks.TurnAway(link);
        if (_turnedAway.Count(batch.Node, DateTime.UtcNow) is var count and > 0)
        {
            var (records, bytes, slowest) = _pending.Held;
            _log.Warning("Output is behind: {0} records ({1:0.#} MiB) wait for the {2} sink. Turned away {3} batch(es) of node {4}; " +
                         "the node keeps its lines (spooling to disk if need be) and resends when there is room.",
                records, bytes / 1048576.0, slowest, count, batch.Node);
        }
        return false;
    }

    /// <summary>The sinks have caught up: withheld acknowledgements go out, and a node whose batch was turned away is told where to resend from.</summary>
    private void OnOutputLow()
    {
        foreach (var (link, owed) in _acks.Resume(_links.All))
        {
            if (!link.Up || link.Uplink is not { } uplink) continue;
            if (owed == AckWithholding.Owed.ResendFrom) _output.Answer(uplink, new ResendFrom(link.Incarnation, link.Sequence.Next, link.SessionKey, Grant(link)));
            else if (owed == AckWithholding.Owed.Ack) _output.Answer(uplink, Ack(link));
        }
    }

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        if (!TryLink(heartbeat.Node, heartbeat.Incarnation, heartbeat.SessionKey, out var link)) return;
        if (!WithinClockDistance(heartbeat.Node, link, heartbeat.Watermark, [])) return;
        // The watermark holds only once every batch sent before the heartbeat is here.
        if (link.Sequence.Holds(heartbeat.LastBatchSeq))
            _output.ToMerge(new MergeActor.NodeProgress(heartbeat.Node, heartbeat.Watermark));
        // A node held back sends heartbeats too: this answer is how it learns it is let go again, should the
        // acknowledgement sent unasked when the output got low be lost.
        Reply(null, Ack(link));
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
        Reply(null, Ack(link));
        if (_outOfTime.Count("(all nodes)", now) is var count and > 0)
            _log.Warning("Refused {0} batch(es) or heartbeat(s) for their times, the last from node {1}: {2}", count, node, reason);
        return false;
    }

    private void OnLeaving(NodeLeaving leaving)
    {
        if (!TryLink(leaving.Node, leaving.Incarnation, leaving.SessionKey, out var link)) return;
        link.GoDown(DateTime.UtcNow);
        _output.ToMerge(new MergeActor.NodeDisconnected(leaving.Node));
        _control.Tell(new ControlActor.NodeDown(leaving.Node));
    }

    private void OnProcessTable(ProcessTable table)
    {
        if (TryLink(table.Node, table.Incarnation, table.SessionKey, out _))
            _control.Tell(new ControlActor.TableReceived(table.Node, table.Processes));
    }

    private void OnControlReply(ControlReply reply)
    {
        if (TryLink(reply.Node, reply.Incarnation, reply.SessionKey, out _))
            _control.Tell(new ControlActor.ReplyReceived(reply.Node, reply.Id, reply.Results));
    }

    private void OnSpoolReport(SpoolReport report)
    {
        if (TryLink(report.Node, report.Incarnation, report.SessionKey, out var link)) link.SpooledBytes = report.SpooledBytes;
    }

    // Each node when its schedule says (ClockProbeSchedule): every clock-probe-interval while its lines arrive, backing
    // off to clock-probe-interval-idle while it is quiet.
    private void OnProbeClocks()
    {
        var now = DateTime.UtcNow;
        foreach (var link in _links.All)
            if (link.Up && link.ClockProbes?.Due(now) != false) link.Uplink?.Tell(new ClockProbe(now, link.SessionKey));
    }

    /// <summary>
    /// Asks these nodes for their progress, so another node's lines need not wait out the reorder window: an idle
    /// node answers a clock probe with a heartbeat. Requests held back by their interval are made when it runs out.
    /// </summary>
    private void Ask(List<NodeLink> links)
    {
        foreach (var link in links) link.Uplink?.Tell(new ClockProbe(DateTime.UtcNow, link.SessionKey));
        if (_progressRequests.NextDue is { } due && !Timers.IsTimerActive("progress"))
            Timers.StartSingleTimer("progress", new AskForProgress(), Max(due - DateTime.UtcNow, TimeSpan.FromMilliseconds(1)));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

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
        foreach (var node in _links.CheckLiveness(DateTime.UtcNow))
        {
            _log.Warning("Node {0} has not been heard from for {1:0.#} s: reporting node-down.", node, _settings.NodeTimeout.TotalSeconds);
            _output.ToMerge(new MergeActor.NodeDisconnected(node));
            _control.Tell(new ControlActor.NodeDown(node));
        }
        ForgetInControl();
    }

    private void ForgetInControl()
    {
        foreach (var node in _links.TakeForgotten()) _control.Tell(new ControlActor.NodeForgotten(node));
    }

    /// <summary>What the node may be told we hold, and its send window from now on.</summary>
    private BatchAck Ack(NodeLink link) => new(link.Incarnation, _acks.Acknowledge(link), link.SessionKey, Grant(link));

    private int Grant(NodeLink link) => _acks.Grant(link, _windows.Grant(link, _links.All, DateTime.UtcNow));

    /// <summary>Answers the sender, after passing on <paramref name="accepted"/> (archived first, with an archive).</summary>
    private void Reply(LineBatch? accepted, object answer) => _output.Answer(Sender, answer, accepted);

    /// <summary>Answers a join with the reason; warns at most once per drop-log-interval per kind of refusal, with the count.</summary>
    private void Refuse(string nonce, JoinPolicy.Refusal refusal)
    {
        // A node's nonce is a session key (32 characters; 256 leaves room for another wire version's). One of nearly
        // a frame is made up, and echoed whole it would make a refusal over the frame, which Akka discards with an
        // error line for each.
        Sender.Tell(new JoinRefused(refusal.Reason, nonce.Length > 256 ? nonce[..256] : nonce));
        if (_refused.Count(refusal.CountAs, DateTime.UtcNow) is var count and > 0)
            _log.Warning("Refused {0} join(s) as node {1} from {2}: {3}", count, refusal.CountAs, Sender.Path.Address, refusal.Reason);
    }

    /// <summary>
    /// The current, joined link of that node run; anything else is dropped (and the node will re-join).
    /// Without the link's session key the message did not come from the node that joined: dropped and counted.
    /// </summary>
    private bool TryLink(string node, long incarnation, string sessionKey, out NodeLink link)
    {
        var heard = _links.Hear(node, incarnation, sessionKey, DateTime.UtcNow, out link);
        if (heard == NodeLinks.Heard.Forged && _forged.Count(node, DateTime.UtcNow) is var count and > 0)
            _log.Warning("Dropped {0} message(s) claiming to come from node {1} without its session key (last from {2}): a peer that never joined is sending.",
                count, node, Sender.Path.Address);
        return heard == NodeLinks.Heard.Current;
    }
}
