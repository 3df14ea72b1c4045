using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>
/// Three ActorSystems over real remoting: the node (this test kit's system, its uplink at /user/node/uplink), the
/// aggregator it dialled (a probe behind /user/ingest), and a forged peer that reached the node's remoting port,
/// resolves /user/node/uplink by path and sends it what only the aggregator should. The peer sends each message from
/// itself and again under the aggregator's own address as sender (Akka.Remote takes the sender a peer names).
/// </summary>
public sealed class UplinkForgedPeerTests : Akka.TestKit.Xunit2.TestKit
{
    private const long Incarnation = 7;
    private const string SessionKey = "SESSION-KEY-OF-THE-REAL-AGGREGATOR";
    private readonly ActorSystem _aggregatorSystem;
    private readonly ActorSystem _peerSystem;
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly Akka.TestKit.TestProbe _peer;
    // The uplink's parent: where it says it was refused.
    private readonly Akka.TestKit.TestProbe _node;
    private readonly IActorRef _uplink;
    private readonly IActorRef _remoteUplink;
    private readonly IActorRef _aggregatorAsNamedByPeer;
    private readonly List<object> _received = [];
    private IActorRef _remoteUplinkOfAggregator = ActorRefs.Nobody;

    public UplinkForgedPeerTests() : base(HoconFiles.Load("wire.conf"), RemoteSystem.Name)
    {
        _aggregatorSystem = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("wire.conf"));
        _aggregator = new Akka.TestKit.TestProbe(_aggregatorSystem, new Akka.TestKit.Xunit2.XunitAssertions());
        _aggregator.IgnoreMessages<Heartbeat>();
        // Nodes reach the aggregator by selection, and selections from afar reach only /user/ingest.
        _aggregatorSystem.ActorOf(ProbeActors.Forwarding(_aggregator.Ref), "ingest");
        var aggregatorAddress = ((ExtendedActorSystem)_aggregatorSystem).Provider.DefaultAddress;

        var settings = TestNodeSettings.With(
            "chorus.node { resend-after = 300ms, heartbeat-interval = 50ms, link-timeout = 10s, join-backoff-min = 200ms, join-backoff-max = 200ms, spool-max-bytes = 0 }");
        _node = CreateTestProbe();
        // Its join starts the processes; what these tests look for is anything else reaching the node.
        _node.IgnoreMessages<UplinkActor.Joined>();
        _uplink = ProbeActors.ChildOf(Sys, UplinkActor.Props("node-a", Incarnation, $"{aggregatorAddress}/user/ingest", new MonotonicClock(), settings, token: "", wireVersion: WireVersion.Current,
            labels: new Dictionary<string, string> { ["tier"] = "backend" }), "uplink", _node.Ref);

        _peerSystem = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("wire.conf"));
        _peer = new Akka.TestKit.TestProbe(_peerSystem, new Akka.TestKit.Xunit2.XunitAssertions());
        var peerProvider = ((ExtendedActorSystem)_peerSystem).Provider;
        _remoteUplink = peerProvider.ResolveActorRef(_uplink.Path.ToStringWithAddress(((ExtendedActorSystem)Sys).Provider.DefaultAddress));
        _aggregatorAsNamedByPeer = peerProvider.ResolveActorRef(_aggregator.Ref.Path.ToStringWithAddress(aggregatorAddress));
    }

    [Fact]
    public async Task A_forged_join_acceptance_neither_takes_the_batches_nor_acknowledges_them()
    {
        await Join();
        Write(1, "a");
        var first = await NextBatch();

        Forge(new JoinAccepted(AggregatorIncarnation: 1, NextSeq: 100, SessionKey: "FORGED", Nonce: ""));

        // Not acknowledged by the forged NextSeq: batch 1 comes again, to the aggregator, with its key.
        var resent = await NextBatch();
        Assert.Equal((first.Seq, SessionKey), (resent.Seq, resent.SessionKey));
        Write(2, "b");
        await AssertDelivered("a", "b");
        await _peer.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_forged_refusal_while_the_node_joins_does_not_stop_it()
    {
        await _aggregator.ExpectMsgAsync<JoinRequest>(TimeSpan.FromSeconds(10)); // left unanswered: the node is joining

        Forge(new JoinRefused("this node is not welcome; stop everything.", Nonce: ""));

        await _node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        await Join();
        Write(1, "still here");
        await AssertDelivered("still here");
    }

    [Fact]
    public async Task A_forged_refusal_after_the_join_does_not_stop_the_node()
    {
        await Join();

        Forge(new JoinRefused("this node is not welcome; stop everything.", Nonce: ""));

        await _node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        Write(1, "still here");
        await AssertDelivered("still here");
    }

    [Fact]
    public async Task A_forged_call_to_resend_from_a_later_batch_does_not_drop_an_unacknowledged_batch()
    {
        await Join();
        Write(1, "a");
        var first = await NextBatch();

        Forge(new ResendFrom(Incarnation, NextSeq: first.Seq + 1, SessionKey: ""));

        Assert.Equal(first.Seq, (await NextBatch()).Seq);
        await AssertDelivered("a");
    }

    [Fact]
    public async Task A_forged_acknowledgement_does_not_drop_an_unacknowledged_batch()
    {
        await Join();
        Write(1, "a");
        var first = await NextBatch();

        Forge(new BatchAck(Incarnation, UpToSeq: first.Seq, SessionKey: ""));

        Assert.Equal(first.Seq, (await NextBatch()).Seq);
        await AssertDelivered("a");
    }

    [Fact]
    public async Task A_forged_clock_probe_gets_no_answer_and_never_the_session_key()
    {
        await Join();
        var forgedAt = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Forge(new ClockProbe(forgedAt, SessionKey: ""));

        await _peer.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        // Under the aggregator's name the answer could only go to the aggregator, and it is not sent at all:
        // an echo of the peer's time would skew the node's place in the order.
        Write(1, "a");
        await AssertDelivered("a");
        Assert.DoesNotContain(_received, m => m is ClockReply { EchoSentAt.Year: 2001 });
        // The aggregator's own probe is answered, to it.
        var askedAt = DateTime.UtcNow;
        _remoteUplinkOfAggregator.Tell(new ClockProbe(askedAt, SessionKey), _aggregator.Ref);
        Assert.Equal(askedAt, ((ClockReply)await _aggregator.FishForMessageAsync(m => m is ClockReply, TimeSpan.FromSeconds(5))).EchoSentAt);
    }

    [Fact]
    public async Task A_control_request_or_remote_table_without_the_session_key_is_not_passed_to_the_node()
    {
        await Join();

        Forge(new ControlRequest(1, ControlVerb.Stop, "all", "", SessionKey: ""));
        Forge(new ControlRequest(2, ControlVerb.Stop, "all", "", SessionKey: "GUESSED"));
        Forge(new RemoteProcesses(SessionKey: "", []));
        // The joined aggregator's request, with its key, is passed on; nothing else is.
        _remoteUplinkOfAggregator.Tell(new ControlRequest(3, ControlVerb.Restart, "web", "", SessionKey), _aggregator.Ref);

        var requested = await _node.ExpectMsgAsync<UplinkActor.ControlRequested>(TimeSpan.FromSeconds(5));
        Assert.Equal((3L, ControlVerb.Restart), (requested.Request.Id, requested.Request.Verb));
        await _node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_task_request_without_the_session_key_is_not_passed_to_the_node()
    {
        await Join();

        Forge(new RunTask(1, "task-t1", "touch /tmp/owned", SessionKey: ""));
        Forge(new RunTask(2, "task-t2", "touch /tmp/owned", SessionKey: "GUESSED"));
        // A peer that learnt nothing but the address of the aggregator still lacks the key; the aggregator's own request passes.
        _remoteUplinkOfAggregator.Tell(new RunTask(3, "task-t3", "uname -sr", SessionKey), _aggregator.Ref);

        var requested = await _node.ExpectMsgAsync<UplinkActor.TaskRequested>(TimeSpan.FromSeconds(5));
        Assert.Equal((3L, "task-t3", "uname -sr"), (requested.Request.Id, requested.Request.Process, requested.Request.Command));
        await _node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task The_join_carries_the_nodes_labels()
    {
        var join = (JoinRequest)await _aggregator.FishForMessageAsync(m => m is JoinRequest, TimeSpan.FromSeconds(10));

        Assert.Equal("backend", Assert.Single(join.Labels, l => l.Key == "tier").Value);
    }

    [Fact]
    public async Task The_table_goes_to_the_aggregator_after_the_join_and_an_answer_carries_the_session_key()
    {
        var web = new ProcessInfo("web", "web", ProcessState.Running, true, 42, 0, DateTime.UtcNow, null, null, false, [], new Dictionary<string, string>(), []);
        _uplink.Tell(new UplinkActor.PublishTable([web])); // before the join: kept for it
        await Join();

        var table = (ProcessTable)await _aggregator.FishForMessageAsync(m => m is ProcessTable, TimeSpan.FromSeconds(5));
        Assert.Equal(("node-a", SessionKey, "web"), (table.Node, table.SessionKey, Assert.Single(table.Processes).Name));

        _uplink.Tell(new UplinkActor.Answer(9, [new ActionResult("web", ActionResult.Ok, "restarted")]));
        var reply = (ControlReply)await _aggregator.FishForMessageAsync(m => m is ControlReply, TimeSpan.FromSeconds(5));
        Assert.Equal((9L, SessionKey, "web"), (reply.Id, reply.SessionKey, Assert.Single(reply.Results).Process));
    }

    /// <summary>The peer sends the message twice: as itself, and naming the aggregator as the sender.</summary>
    private void Forge(object message)
    {
        _remoteUplink.Tell(message, _peer.Ref);
        _remoteUplink.Tell(message, _aggregatorAsNamedByPeer);
    }

    private async Task Join()
    {
        var join = (JoinRequest)await _aggregator.FishForMessageAsync(m => m is JoinRequest, TimeSpan.FromSeconds(10));
        _remoteUplinkOfAggregator = _aggregator.LastSender;
        _aggregator.Reply(new JoinAccepted(1, 1, SessionKey, join.Nonce));
    }

    private void Write(long seq, string text) =>
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, seq, FramedLines.Whole(text)));

    private async Task<LineBatch> NextBatch()
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var message = await _aggregator.ReceiveOneAsync(deadline - DateTime.UtcNow);
            if (message is null) break;
            _received.Add(message);
            if (message is LineBatch batch) return batch;
        }
        throw new TimeoutException($"no batch reached the aggregator within 5 s; it received {string.Join(", ", _received.Select(m => m.GetType().Name))}");
    }

    /// <summary>Acknowledges batches as a real aggregator would, until each text reached it under the session key.</summary>
    private async Task AssertDelivered(params string[] texts)
    {
        while (!texts.All(Delivered().Contains))
        {
            var batch = await NextBatch();
            _aggregator.Reply(new BatchAck(Incarnation, batch.Seq, SessionKey));
        }
        Assert.All(_received.OfType<LineBatch>(), batch => Assert.Equal(SessionKey, batch.SessionKey));
    }

    private HashSet<string> Delivered() =>
        _received.OfType<LineBatch>().SelectMany(b => b.Records).Select(r => Encoding.UTF8.GetString(r.Text.Span)).ToHashSet();

    protected override void AfterAll()
    {
        _peerSystem.Terminate().Wait(TimeSpan.FromSeconds(10));
        _aggregatorSystem.Terminate().Wait(TimeSpan.FromSeconds(10));
        base.AfterAll();
    }

    /// <summary>The aggregator's door: hands what arrives to the probe, keeping the node as the sender.</summary>
}
