using System.Text;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class UplinkActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly IActorRef _uplink;

    public UplinkActorTests()
    {
        _aggregator = CreateTestProbe();
        // The link timeout well above resend-after: on a machine loaded by the whole suite a tick came over a second
        // late, and a node that finds the link lost re-joins instead of resending (a fresh-clone CI run failed so).
        var settings = TestNodeSettings.With("chorus.node { link-timeout = 3s, resend-after = 300ms, heartbeat-interval = 50ms }");
        _uplink = Sys.ActorOf(UplinkActor.Props("node-a", 7, _aggregator.Ref.Path.ToString(), new MonotonicClock(), settings, token: "", wireVersion: WireVersion.Current));
    }

    [Fact]
    public async Task Lines_go_out_in_a_numbered_batch_after_the_node_joins()
    {
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();
        Assert.Equal(("node-a", 7L, 1L), (join.Node, join.Incarnation, join.FirstSeq));
        Assert.Equal((WireVersion.Current, ChorusVersion.Text), (join.WireVersion, join.ChorusVersion));
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a", "b")));
        _aggregator.Reply(new JoinAccepted(1, 1, Nonce: join.Nonce, SessionKey: ""));

        var batch = await NextBatch();

        Assert.Equal(1, batch.Seq);
        Assert.Equal(["a", "b"], batch.Records.Select(r => Encoding.UTF8.GetString(r.Text.Span)));
        Assert.Equal([1L, 2], batch.Records.Select(r => r.Seq));
        Assert.All(batch.Records, r => Assert.True(r.Timestamp <= batch.Watermark));
    }

    [Fact]
    public async Task The_join_answer_is_a_clock_probe_answered_before_the_first_batch_and_the_parent_hears_of_the_join()
    {
        // The aggregator places the node's first lines on the clock this answer measures: it must come before them.
        var aggregator = CreateTestProbe();
        var parent = CreateTestProbe();
        var uplink = ProbeActors.ChildOf(Sys, UplinkActor.Props("node-c", 9, aggregator.Ref.Path.ToString(), new MonotonicClock(),
            TestNodeSettings.With(), token: "", wireVersion: WireVersion.Current), "uplink", parent.Ref, "node-c");
        var join = await aggregator.ExpectMsgAsync<JoinRequest>();
        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("waiting")));
        var askedAt = DateTime.UtcNow.AddSeconds(-3);

        aggregator.Reply(new JoinAccepted(1, 1, "KEY", join.Nonce, askedAt));

        var reply = await aggregator.ExpectMsgAsync<ClockReply>();
        Assert.Equal(("node-c", 9L, "KEY", askedAt), (reply.Node, reply.Incarnation, reply.SessionKey, reply.EchoSentAt));
        Assert.True(reply.ReceivedAt <= reply.RepliedAt);
        await aggregator.FishForMessageAsync(m => m is LineBatch);
        await parent.ExpectMsgAsync<UplinkActor.Joined>();
    }

    [Fact]
    public async Task Lines_read_are_answered_once_taken_even_while_the_aggregator_is_away_and_keep_their_after_exit_mark()
    {
        var reader = CreateTestProbe();
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();

        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("first")), reader.Ref);
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 2, FramedLines.Whole("late"), AfterExit: true), reader.Ref);

        await reader.ExpectMsgAsync<ProcessActor.LinesAppended>();
        await reader.ExpectMsgAsync<ProcessActor.LinesAppended>();
        _aggregator.Reply(new JoinAccepted(1, 1, Nonce: join.Nonce, SessionKey: ""));
        var records = new List<NodeRecord>();
        while (records.Count < 2) records.AddRange((await NextBatch()).Records);
        Assert.Equal([false, true], records.Select(r => r.AfterExit));
    }

    [Fact]
    public async Task An_idle_node_sends_heartbeats_with_a_growing_watermark()
    {
        await Join();

        var first = await _aggregator.ExpectMsgAsync<Heartbeat>();
        var second = await _aggregator.ExpectMsgAsync<Heartbeat>();

        Assert.True(second.Watermark > first.Watermark);
    }

    [Fact]
    public async Task An_unacknowledged_batch_is_sent_again_after_the_aggregator_restarts()
    {
        await Join();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        var sent = await NextBatch();

        _uplink.Tell(new JoinAccepted(AggregatorIncarnation: 2, NextSeq: 1, Nonce: _joinNonce, SessionKey: ""), _aggregator.Ref);

        Assert.Equal(sent.Seq, (await NextBatch()).Seq);
    }

    [Fact]
    public async Task A_call_to_resend_makes_the_node_resend_from_where_it_says_at_once()
    {
        // An aggregator sends one once it has room again after turning batches away. The resend timer is long
        // here, so only the call can explain the resend.
        var aggregator = CreateTestProbe();
        var uplink = Sys.ActorOf(UplinkActor.Props("node-b", 8, aggregator.Ref.Path.ToString(), new MonotonicClock(),
            TestNodeSettings.With("chorus.node.resend-after = 60s"), token: "", wireVersion: WireVersion.Current));
        var join = await aggregator.ExpectMsgAsync<JoinRequest>();
        aggregator.Reply(new JoinAccepted(1, 1, SessionKey: "KEY", Nonce: join.Nonce));
        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        await aggregator.FishForMessageAsync(m => m is LineBatch { Seq: 1 });
        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 2, FramedLines.Whole("b")));
        await aggregator.FishForMessageAsync(m => m is LineBatch { Seq: 2 });

        uplink.Tell(new ResendFrom(Incarnation: 8, NextSeq: 2, SessionKey: "KEY"), aggregator.Ref);

        var resent = (LineBatch)await aggregator.FishForMessageAsync(m => m is LineBatch, TimeSpan.FromSeconds(3));
        Assert.Equal(2, resent.Seq);
        Assert.Equal("b", Encoding.UTF8.GetString(resent.Records[0].Text.Span));
    }

    [Fact]
    public async Task An_acknowledged_batch_is_never_sent_again()
    {
        await Join();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        var sent = await NextBatch();
        _uplink.Tell(new BatchAck(7, sent.Seq, SessionKey: ""), _aggregator.Ref);

        _uplink.Tell(new JoinAccepted(AggregatorIncarnation: 2, NextSeq: 2, Nonce: _joinNonce, SessionKey: ""), _aggregator.Ref);

        // Absence can only be shown over time: longer than resend-after.
        var seen = new List<object>();
        var until = DateTime.UtcNow.AddMilliseconds(800);
        for (var left = until - DateTime.UtcNow; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
            if (await _aggregator.ReceiveOneAsync(left) is { } message) seen.Add(message);
        Assert.DoesNotContain(seen, m => m is LineBatch);
        // ...and the uplink was alive all along, not silent: heartbeats, or (once the 3 s link timeout passed
        // without an answer to them) join requests.
        await _aggregator.FishForMessageAsync(m => m is Heartbeat or JoinRequest, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_lost_batch_is_resent_when_no_acknowledgement_comes()
    {
        await Join();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        var sent = await NextBatch();

        Assert.Equal(sent.Seq, (await NextBatch()).Seq);
    }

    [Fact]
    public async Task A_silent_aggregator_makes_the_node_join_again()
    {
        await Join();

        await _aggregator.FishForMessageAsync(m => m is JoinRequest, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Draining_waits_for_the_last_acknowledgement_then_says_goodbye()
    {
        await Join();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("last")), ActorRefs.NoSender);

        _uplink.Tell(new UplinkActor.Drain());
        var batch = await NextBatch();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        _uplink.Tell(new BatchAck(7, batch.Seq, SessionKey: ""), _aggregator.Ref);

        Assert.Equal(0, (await ExpectMsgAsync<UplinkActor.Drained>()).UndeliveredRecords);
        await _aggregator.FishForMessageAsync(m => m is NodeLeaving);
    }

    /// <summary>The nonce of the join accepted last: an aggregator's later acceptances echo it.</summary>
    private string _joinNonce = "";

    private async Task Join()
    {
        _joinNonce = (await _aggregator.ExpectMsgAsync<JoinRequest>()).Nonce;
        _aggregator.Reply(new JoinAccepted(1, 1, Nonce: _joinNonce, SessionKey: ""));
    }

    private async Task<LineBatch> NextBatch() =>
        (LineBatch)await _aggregator.FishForMessageAsync(m => m is LineBatch, TimeSpan.FromSeconds(3));
}
