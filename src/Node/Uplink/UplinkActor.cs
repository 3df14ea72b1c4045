using Akka.Actor;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Node.Instances;
using Chorus.Node.Processes;

namespace Chorus.Node.Uplink;

/// <summary>
/// The node's one connection to the aggregator; child of <see cref="NodeActor"/>.
/// <list type="bullet">
/// <item>In, from the processes: <see cref="ProcessActor.ProcessStarted"/>, <see cref="ProcessActor.LinesRead"/>
/// (answered with <see cref="ProcessActor.LinesAppended"/> once taken), <see cref="ProcessActor.ProcessExited"/>.</item>
/// <item>In, from the instances: <see cref="InstanceActor.ProcessWaiting"/>, <see cref="InstanceActor.ProcessReady"/>,
/// <see cref="InstanceActor.ProcessRestarting"/>, <see cref="InstanceActor.ProcessGivenUp"/>; from the parent
/// <see cref="NodeActor.ProcessScaled"/>: events in the stream.</item>
/// <item>In, from the parent: <see cref="Drain"/>, answered with <see cref="Drained"/>.</item>
/// <item>Out, to the parent: <see cref="Joined"/> (the processes may start), <see cref="Refused"/> (the node stops) and <see cref="LinesRefused"/> (said once a run).</item>
/// <item>With the aggregator: out <see cref="JoinRequest"/>, <see cref="LineBatch"/>, <see cref="Heartbeat"/>,
/// <see cref="ClockReply"/>, <see cref="NodeLeaving"/>, <see cref="SpoolReport"/>; in <see cref="JoinAccepted"/>, <see cref="JoinRefused"/>,
/// <see cref="ResendFrom"/>, <see cref="BatchAck"/>, <see cref="TimesRefused"/>, <see cref="ClockProbe"/>.</item>
/// <item>Control: from the parent <see cref="PublishTable"/> (out as <see cref="ProcessTable"/>, again after every join) and
/// <see cref="Answer"/> (out as <see cref="ControlReply"/>); from the joined aggregator only, <see cref="ControlRequest"/>,
/// <see cref="RunTask"/> and <see cref="RemoteProcesses"/>, to the parent as <see cref="ControlRequested"/>,
/// <see cref="TaskRequested"/> and <see cref="RemoteProcessesChanged"/>.</item>
/// </list>
/// The rules live in plain classes: <see cref="Outbox"/> (batching, numbering, the send window, the spool, what a
/// drain leaves), <see cref="JoinRound"/> (join backoff) and <see cref="LinkLiveness"/> (re-join, resend).
/// Anyone who reaches the node's remoting port can send here and name any sender, so only answers from the
/// dialled address count: a join's answer must echo that join's nonce, everything after it must carry the
/// session key. How numbering, resending, the spool and draining fit together: README, "Reliability".
/// </summary>
public sealed class UplinkActor : ReceiveActor, IWithTimers
{
    private readonly string _node;
    private readonly string _aggregatorPath;
    private readonly MonotonicClock _clock;
    private readonly NodeSettings _settings;
    private readonly Outbox _outbox;
    private readonly JoinRound _join;
    private readonly LinkLiveness _liveness;
    private readonly string _token;
    private readonly int _wireVersion;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly Address _dialled;
    private string _sessionKey = "";
    private bool _hasSession;
    private IActorRef? _aggregator;
    private long _aggregatorIncarnation;
    private bool _sentSinceTick;
    // Nothing to send, nothing in flight, nothing held since a whole tick: the tick runs every heartbeat-interval-idle.
    private bool _quiet;
    private IActorRef? _drainRequester;
    private bool _timesRefusedSaid;
    // The spool size the aggregator was last told of (SpoolReport).
    private long _spoolReported;
    private IReadOnlyList<ProcessInfo>? _table;
    private long _forgedControl;
    private DateTime _forgedControlSaidAt = DateTime.MinValue;

    public UplinkActor(string node, long incarnation, string aggregatorPath, MonotonicClock clock, NodeSettings settings, string token, int wireVersion,
        IReadOnlyDictionary<string, string> labels)
    {
        _labels = labels;
        _token = token;
        _wireVersion = wireVersion;
        _node = node;
        _aggregatorPath = aggregatorPath;
        // The address joins go to: a remote aggregator's, or this system's own for the aggregator's embedded node.
        _dialled = Context.ActorSelection(aggregatorPath).Anchor.Path.Address;
        _clock = clock;
        _settings = settings;
        _outbox = new Outbox(node, incarnation, settings, Overflow.Open(node, settings, Context.System));
        _join = new JoinRound(settings.JoinBackoffMin, settings.JoinBackoffMax, settings.JoinAnswersRemembered);
        _liveness = new LinkLiveness(settings.LinkTimeout, settings.ResendAfter);

        Receive<ProcessActor.LinesRead>(OnLinesRead);
        Receive<ProcessActor.ProcessStarted>(e => AppendEvent(NodeRecord.Started(e.Process, e.Pid, _clock.UtcNow)));
        Receive<ProcessActor.ProcessExited>(e => AppendEvent(NodeRecord.Exited(e.Process, e.ExitCode, e.Signal, _clock.UtcNow)));
        Receive<InstanceActor.ProcessWaiting>(e => AppendEvent(NodeRecord.Waiting(e.Process, e.WaitingFor, _clock.UtcNow)));
        Receive<InstanceActor.ProcessReady>(e => AppendEvent(NodeRecord.Ready(e.Process, _clock.UtcNow)));
        Receive<InstanceActor.ProcessRestarting>(e => AppendEvent(NodeRecord.Restarting(e.Process, e.Attempt, e.DelayMs, _clock.UtcNow)));
        Receive<InstanceActor.ProcessGivenUp>(e => AppendEvent(NodeRecord.GivenUp(e.Process, e.Reason, _clock.UtcNow)));
        Receive<NodeActor.ProcessScaled>(e => AppendEvent(NodeRecord.Scaled(e.Process, e.Replicas, _clock.UtcNow)));
        Receive<FlushDue>(_ => CutBatch());
        Receive<JoinDue>(_ => TryJoin());
        Receive<JoinAccepted>(OnJoinAccepted);
        Receive<JoinRefused>(OnJoinRefused);
        Receive<ResendFrom>(OnResendFrom);
        Receive<BatchAck>(OnBatchAck);
        Receive<TimesRefused>(OnTimesRefused);
        Receive<ClockProbe>(OnClockProbe);
        Receive<Tick>(_ => OnTick());
        Receive<Drain>(_ => OnDrain());
        Receive<DrainExpired>(_ => FinishDrain());
        Receive<PublishTable>(OnPublishTable);
        Receive<Answer>(OnAnswer);
        Receive<ControlRequest>(OnControlRequest);
        Receive<RunTask>(OnRunTask);
        Receive<RemoteProcesses>(OnRemoteProcesses);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="wireVersion">Put on every join: <see cref="WireVersion.Current"/> but where a test proves a refusal.</param>
    /// <param name="labels">The node's own labels (--label), put on every join; none when null.</param>
    public static Props Props(string node, long incarnation, string aggregatorPath, MonotonicClock clock, NodeSettings settings, string token, int wireVersion,
        IReadOnlyDictionary<string, string>? labels = null) =>
        Akka.Actor.Props.Create(() => new UplinkActor(node, incarnation, aggregatorPath, clock, settings, token, wireVersion,
            labels ?? new Dictionary<string, string>(StringComparer.Ordinal)));

    /// <summary>Send everything still held, then tell the aggregator we leave. Answered with <see cref="Drained"/>.</summary>
    public sealed record Drain;

    /// <summary>
    /// How many records the aggregator never acknowledged (0 when everything arrived): of those, how many are
    /// lost, and how many wait in the spool for the next run.
    /// </summary>
    public sealed record Drained(long UndeliveredRecords, long SpooledRecords);

    /// <summary>To the parent, after every accepted join: the aggregator takes our lines now, so the processes may start.</summary>
    public sealed record Joined
    {
        public static readonly Joined Instance = new();
    }

    /// <summary>To the parent: the aggregator at <paramref name="Aggregator"/> refused this node's join (its token, its name, one node too many).</summary>
    public sealed record Refused(string Aggregator, string Reason);

    /// <summary>To the parent, once a run: the aggregator refuses this node's lines for their times; they are kept and resent.</summary>
    public sealed record LinesRefused(string Aggregator, string Reason);

    /// <summary>From the parent: the node's processes now stand so. Sent to the aggregator as a <see cref="ProcessTable"/> now, and again after every join.</summary>
    public sealed record PublishTable(IReadOnlyList<ProcessInfo> Processes);

    /// <summary>From the parent: what request <paramref name="Id"/> did, sent to the aggregator as a <see cref="ControlReply"/>.</summary>
    public sealed record Answer(long Id, IReadOnlyList<ActionResult> Results);

    /// <summary>To the parent: the joined aggregator asks for an action (from the dialled address, with the session key).</summary>
    public sealed record ControlRequested(ControlRequest Request);

    /// <summary>To the parent: the joined aggregator asks to run a task (from the dialled address, with the session key).</summary>
    public sealed record TaskRequested(RunTask Request);

    /// <summary>To the parent: how the other nodes' processes this node's processes wait for stand now.</summary>
    public sealed record RemoteProcessesChanged(IReadOnlyList<NodeProcess> Processes);

    private sealed record FlushDue;
    private sealed record JoinDue;
    private sealed record Tick;
    private sealed record DrainExpired;

    protected override void PreStart()
    {
        ScheduleTick();
        TryJoin();
    }

    protected override void PostRestart(Exception reason)
    {
        // Whatever this actor had numbered is gone with the failed instance: numbering again from 1 under the
        // same incarnation would have the aggregator take new batches for repeats and drop them unreported.
        _outbox.BeginNewRun(Random.Shared.NextInt64(1, long.MaxValue));
        Notice.Error($"the uplink failed ({reason.Message}) and starts again as a new run; lines it held in memory are lost.");
        base.PostRestart(reason);
    }

    protected override void PostStop() => _outbox.Dispose();

    private void OnLinesRead(ProcessActor.LinesRead read)
    {
        var now = _clock.UtcNow;
        var seq = read.FirstSeq;
        var lines = read.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            MakeRoom(line.Text.Length);
            _outbox.AddLine(read.Process, read.Stream, seq++, now, line.Text.Span, line.Continued, read.AfterExit);
        }
        // Each reader waits for this before it reads on, so lines never pile up in this mailbox.
        Sender.Tell(ProcessActor.LinesAppended.Instance);
        CutIfLinkQuiet();
    }

    private void AppendEvent(in NodeRecord record)
    {
        MakeRoom(record.Text.Length);
        _outbox.Add(record);
        CutIfLinkQuiet();
    }

    // Cuts the batch being filled when a record of textLength bytes would not fit, and starts the flush timer on an empty one.
    private void MakeRoom(int textLength)
    {
        if (!_outbox.Fits(textLength)) CutBatch();
        if (_outbox.BatchEmpty) Timers.StartSingleTimer("flush", new FlushDue(), _settings.BatchMaxDelay);
    }

    // Batching by load (Outbox.SendsAtOnce): what a quiet link can take goes now; batch-max-delay bounds the wait otherwise.
    private void CutIfLinkQuiet()
    {
        if (_outbox.SendsAtOnce(joined: _aggregator is not null)) CutBatch();
    }

    private void CutBatch()
    {
        Timers.Cancel("flush");
        if (_outbox.Cut(_clock.UtcNow)) SendWhatFits();
    }

    private void SendWhatFits()
    {
        foreach (var batch in _outbox.TakeSendable(joined: _aggregator is not null))
        {
            _aggregator!.Tell(batch with { SessionKey = _sessionKey });
            _sentSinceTick = true;
        }
        // Lines flow again: resends and the link are checked every heartbeat-interval from now, not an idle tick away.
        if (_quiet && _sentSinceTick)
        {
            _quiet = false;
            ScheduleTick();
        }
    }

    // A certificate the aggregator refuses reaches the node at best as a closed connection (with TLS 1.3 the
    // aggregator checks the node's certificate after the node's side of the handshake is done): only its log says why.
    private string TlsHint => _aggregatorPath.StartsWith("akka.ssl.tcp:", StringComparison.Ordinal)
        ? " With TLS, silence can also mean the aggregator refuses this node's certificate (its log then says why) or does not use TLS."
        : "";

    private void TryJoin()
    {
        var nonce = SessionKeys.New();
        Context.ActorSelection(_aggregatorPath).Tell(new JoinRequest(_node, _outbox.Incarnation, _outbox.FirstUnacknowledgedSeq, _token, _clock.UtcNow, nonce,
            _wireVersion, ChorusVersion.Text, _labels));
        Timers.StartSingleTimer("join", new JoinDue(), _join.Attempt(nonce));
        if (_join.WorthSaying)
            Notice.Warning($"aggregator at {_aggregatorPath} is not answering; still trying (attempt {_join.Attempts}, " +
                         $"{_outbox.RecordsInMemory} lines waiting in memory, {_outbox.SpooledBytes} bytes spooled).{TlsHint}");
    }

    // A session begins, and the answer says where to resend from.
    private void OnJoinAccepted(JoinAccepted accepted)
    {
        var receivedAt = _clock.UtcNow;
        if (!AnswersOurJoin(accepted.Nonce)) return;
        var restarted = BeginSession(accepted.AggregatorIncarnation, accepted.SessionKey);
        // The answer is also a clock probe, answered before any batch: the aggregator then places our first lines
        // on a measured clock. Its only other guess, the join's one-way time, put them up to the first connection's
        // cost (about half a second on a cold start) in the future, where they stayed (a node's corrected times
        // never go back) and made the other nodes' lines come out late.
        if (accepted.SentAt != default) AnswerProbe(accepted.SentAt, receivedAt);
        Grant(accepted.Grant);
        Resend(accepted.NextSeq, restarted);
        // A new aggregator (or one that forgot us) knows nothing of our processes: it selects on this table.
        SendTable();
        Context.Parent.Tell(Joined.Instance);
    }

    // The aggregator had turned our batches away and has room again.
    private void OnResendFrom(ResendFrom resend)
    {
        if (resend.Incarnation != _outbox.Incarnation || !FromJoinedAggregator(resend.SessionKey)) return;
        _liveness.Acknowledged(_clock.UtcNow, progressed: false);
        Grant(resend.Grant);
        Resend(resend.NextSeq, restarted: false);
    }

    /// <summary>Joined: the sender is the aggregator from now on, and the session key goes on everything sent. True when it restarted since the last session.</summary>
    private bool BeginSession(long aggregatorIncarnation, string sessionKey)
    {
        Timers.Cancel("join");
        var restarted = _aggregatorIncarnation != 0 && aggregatorIncarnation != _aggregatorIncarnation;
        var wasJoined = _aggregator is not null;
        _aggregator = Sender;
        _aggregatorIncarnation = aggregatorIncarnation;
        _sessionKey = sessionKey;
        _hasSession = true;
        _liveness.Joined(_clock.UtcNow);
        _spoolReported = 0; // a new session (perhaps a new aggregator): report the spool afresh
        var attempts = _join.Accepted();
        if (!restarted && !wasJoined) Notice.Write(attempts > 1 ? $"joined the aggregator after {attempts} attempts." : "joined the aggregator.");
        return restarted;
    }

    /// <summary>The aggregator holds everything before <paramref name="nextSeq"/>: the rest is sent again, from there.</summary>
    private void Resend(long nextSeq, bool restarted)
    {
        _outbox.ResendFrom(nextSeq);
        if (restarted) Notice.Write($"the aggregator restarted; resending {_outbox.BatchesInMemory} unacknowledged batches.");
        SendWhatFits();
        SendHeartbeatIfIdle();
    }

    private void OnJoinRefused(JoinRefused refused)
    {
        // Only an answer to our own join counts: a stray refusal must not stop the node.
        if (!AnswersOurJoin(refused.Nonce)) return;
        Timers.Cancel("join");
        _join.ForgetAttempts(); // the node stops: refusals of its other attempts say nothing new
        Context.Parent.Tell(new Refused(_aggregatorPath, refused.Reason));
    }

    // Answered at once, with this node's clock, so the aggregator can place our lines on its own clock.
    // Before the join is accepted there is no session key to answer with; the next probe will do. The answer
    // carries the key, so it goes to the joined aggregator whoever is named as the sender. A probe also asks
    // for our progress (another node's lines wait for it), so an idle node sends a heartbeat with the reply.
    private void OnClockProbe(ClockProbe probe)
    {
        var receivedAt = _clock.UtcNow;
        if (_aggregator is null || !FromJoinedAggregator(probe.SessionKey)) return;
        _liveness.Heard(receivedAt);
        AnswerProbe(probe.SentAt, receivedAt);
        // That heartbeat is the idle tick's too: the next one is due a whole idle interval from now, so an idle node's
        // heartbeats stay at most that far apart without a second one right behind this one.
        if (SendHeartbeatIfIdle() && _quiet) ScheduleTick();
    }

    private void AnswerProbe(DateTime probeSentAt, DateTime receivedAt) =>
        _aggregator!.Tell(new ClockReply(_node, _outbox.Incarnation, _sessionKey, probeSentAt, receivedAt, _clock.UtcNow));

    // Said once: the refused batch is resent every resend-after, and every time refused again until the clock is fixed.
    private void OnTimesRefused(TimesRefused refused)
    {
        if (_timesRefusedSaid || refused.Incarnation != _outbox.Incarnation || !FromJoinedAggregator(refused.SessionKey)) return;
        _timesRefusedSaid = true;
        Context.Parent.Tell(new LinesRefused(_aggregatorPath, refused.Reason));
    }

    private void OnBatchAck(BatchAck ack)
    {
        if (ack.Incarnation != _outbox.Incarnation || !FromJoinedAggregator(ack.SessionKey)) return;
        _liveness.Acknowledged(_clock.UtcNow, progressed: _outbox.Acknowledge(ack.UpToSeq));
        Grant(ack.Grant);
        SendWhatFits();
        // What collected while the link was busy goes as the acknowledgement frees it.
        CutIfLinkQuiet();
        if (_drainRequester is not null && _outbox.IsEmpty) FinishDrain();
    }

    /// <summary>The send window the aggregator grants with this answer; a grant of nothing holds the node back.</summary>
    private void Grant(int? batches)
    {
        _outbox.Grant(batches);
        _liveness.Held(_clock.UtcNow, _outbox.Held);
    }

    /// <summary>An answer to one of this round's joins: from the address dialled, echoing a nonce only the aggregator saw.</summary>
    private bool AnswersOurJoin(string nonce) => Sender.Path.Address == _dialled && _join.Answers(nonce);

    /// <summary>From the address dialled, with the key of the accepted join. The address alone proves nothing: a peer names its sender.</summary>
    private bool FromJoinedAggregator(string sessionKey) =>
        _hasSession && Sender.Path.Address == _dialled && SessionKeys.Same(_sessionKey, sessionKey);

    private void OnPublishTable(PublishTable publish)
    {
        _table = publish.Processes;
        SendTable();
    }

    private void SendTable()
    {
        if (_aggregator is null || _table is null) return;
        _aggregator.Tell(new ProcessTable(_node, _outbox.Incarnation, _sessionKey, _table));
    }

    // Not joined: the aggregator that asked is gone (or re-joining); it counts this node as not answering.
    private void OnAnswer(Answer answer) =>
        _aggregator?.Tell(new ControlReply(_node, _outbox.Incarnation, _sessionKey, answer.Id, answer.Results));

    // A node obeys only the aggregator it joined: anyone who reaches the remoting port can send a request.
    private void OnControlRequest(ControlRequest request)
    {
        if (FromJoinedAggregator(request.SessionKey)) Context.Parent.Tell(new ControlRequested(request));
        else DroppedForged("control request");
    }

    // Running a command is the most a peer could ask of this host: only the joined aggregator, with the session key.
    private void OnRunTask(RunTask request)
    {
        if (FromJoinedAggregator(request.SessionKey)) Context.Parent.Tell(new TaskRequested(request));
        else DroppedForged("task request");
    }

    private void OnRemoteProcesses(RemoteProcesses remote)
    {
        if (FromJoinedAggregator(remote.SessionKey)) Context.Parent.Tell(new RemoteProcessesChanged(remote.Processes));
        else DroppedForged("remote process table");
    }

    /// <summary>Counted, and said at most once a minute with the count: a flood of forged requests must not become a flood of lines.</summary>
    private void DroppedForged(string what)
    {
        _forgedControl++;
        var now = _clock.UtcNow;
        if (now - _forgedControlSaidAt < TimeSpan.FromMinutes(1)) return;
        Notice.Warning($"ignored {_forgedControl} {what}(s) not from the joined aggregator (the last from {Sender.Path.Address}): " +
                       "a node obeys only the aggregator it joined, with that join's session key.");
        _forgedControl = 0;
        _forgedControlSaidAt = now;
    }

    private void OnTick()
    {
        CheckLink();
        ScheduleTick();
    }

    /// <summary>
    /// The next tick: every heartbeat-interval, or heartbeat-interval-idle while the node is quiet; sooner when the link
    /// would count as lost before it (<see cref="LinkLiveness.NextTick"/>).
    /// </summary>
    private void ScheduleTick()
    {
        var interval = _quiet ? _settings.HeartbeatIntervalIdle : _settings.HeartbeatInterval;
        Timers.StartSingleTimer("tick", new Tick(), _aggregator is null ? interval : _liveness.NextTick(_clock.UtcNow, interval));
    }

    private void CheckLink()
    {
        _quiet = false;
        if (_aggregator is null) return;
        var now = _clock.UtcNow;
        if (_liveness.LinkLost(now))
        {
            Notice.Warning($"nothing heard from the aggregator for {_settings.LinkTimeout.TotalSeconds:0.#} s; re-joining. Lines wait in memory, then in the spool, meanwhile.");
            _aggregator = null;
            _outbox.ReturnInFlight();
            _join.ForgetAttempts(); // a new round: answers to the old one's joins no longer count
            TryJoin();
            return;
        }
        if (_outbox.InFlight > 0 && _liveness.ResendDue(now))
        {
            // Something in flight was lost (remoting delivers at most once): go back and send it again.
            _outbox.ReturnInFlight();
            SendWhatFits();
        }
        if (_outbox.Held) SendHeartbeatWhileHeld();
        else if (!_sentSinceTick) SendHeartbeatIfIdle();
        _quiet = !_sentSinceTick && _outbox.Idle && _outbox.InFlight == 0 && !_outbox.Held;
        _sentSinceTick = false;
        ReportSpoolIfChanged();
    }

    /// <summary>
    /// A heartbeat promises that nothing older than its watermark is still to come, so it is sent only
    /// when nothing is waiting to be sent.
    /// </summary>
    private bool SendHeartbeatIfIdle()
    {
        if (_aggregator is null || !_outbox.Idle) return false;
        _aggregator.Tell(new Heartbeat(_node, _outbox.Incarnation, _outbox.LastNumbered, _clock.UtcNow, _sessionKey));
        return true;
    }

    /// <summary>
    /// Held back, the node sends nothing else, so it says every tick that it is here and waits: the aggregator's
    /// answer keeps the link alive (no re-join) and brings the next grant, should the one sent unasked be lost.
    /// With lines waiting it may promise nothing: it names a batch not numbered yet, which the aggregator cannot
    /// hold, so the watermark is not taken as progress.
    /// </summary>
    private void SendHeartbeatWhileHeld()
    {
        if (_outbox.Idle) SendHeartbeatIfIdle();
        else _aggregator!.Tell(new Heartbeat(_node, _outbox.Incarnation, _outbox.LastNumbered + 1, _clock.UtcNow, _sessionKey));
    }

    // Told when it changes, not every tick: an idle node with an empty spool sends nothing for it.
    private void ReportSpoolIfChanged()
    {
        var spooled = _outbox.SpooledBytes;
        if (spooled == _spoolReported || _aggregator is null) return;
        _aggregator.Tell(new SpoolReport(_node, _outbox.Incarnation, spooled, _sessionKey));
        _spoolReported = spooled;
    }

    private void OnDrain()
    {
        _drainRequester = Sender;
        CutBatch();
        if (_outbox.IsEmpty) FinishDrain();
        else Timers.StartSingleTimer("drain", new DrainExpired(), _settings.DrainTimeout);
    }

    private void FinishDrain()
    {
        if (_drainRequester is null) return;
        var (undelivered, spooled, leftForNextRun) = _outbox.Spill();
        if (leftForNextRun)
            Notice.Write($"{_outbox.SpooledBytes} bytes of lines are still spooled; the next run with the same spool sends them.");
        if (undelivered == 0) _aggregator?.Tell(new NodeLeaving(_node, _outbox.Incarnation, _sessionKey));
        _drainRequester.Tell(new Drained(undelivered, spooled));
        _drainRequester = null;
    }
}
