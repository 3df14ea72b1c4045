using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class IngestActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _merge;
    private IActorRef _ingest;
    private readonly Dictionary<(string Node, long Incarnation), string> _keys = new();

    public IngestActorTests()
    {
        _merge = CreateTestProbe();
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator(), token: null));
        // The test actor plays the node; the clock probes it gets are answered by hand where a test needs it.
        IgnoreMessages<ClockProbe>();
        // Joins without a send time tell the merge "no correction"; only measured clocks matter here.
        _merge.IgnoreMessages<MergeActor.NodeClock>(c => c.Correction == TimeSpan.Zero);
    }

    [Fact]
    public async Task A_clock_reply_tells_the_merge_how_far_off_the_nodes_clock_is()
    {
        await Join("a");
        var sentAt = DateTime.UtcNow;

        // The node's clock reads 3 s ahead, both when the probe arrives and when it answers.
        _ingest.Tell(new ClockReply("a", 1, _keys[("a", 1)], sentAt, sentAt.AddSeconds(3), sentAt.AddSeconds(3)));

        var clock = await _merge.FishForMessageAsync<MergeActor.NodeClock>(_ => true);
        Assert.Equal("a", clock.Node);
        Assert.InRange(clock.Correction, TimeSpan.FromSeconds(-3.5), TimeSpan.FromSeconds(-2.5));
    }

    [Fact]
    public async Task The_join_answer_is_a_clock_probe_whose_reply_replaces_the_guess_from_the_join()
    {
        // The node's clock reads 3 s ahead, and its join waited half a second for the connection: the join's one-way
        // guess is half a second off. The answer to the answer measures it before the node sends its first lines.
        var before = DateTime.UtcNow;
        _ingest.Tell(new JoinRequest("a", 1, FirstSeq: 1, Token: "", SentAt: before.AddSeconds(3 - 0.5), Nonce: "", WireVersion: WireVersion.Current,
            ChorusVersion: "0.1.0+test"));
        var accepted = await ExpectMsgAsync<JoinAccepted>();
        Assert.InRange(accepted.SentAt, before, DateTime.UtcNow);
        var guess = await _merge.FishForMessageAsync<MergeActor.NodeClock>(_ => true);
        Assert.InRange(guess.Correction, TimeSpan.FromSeconds(-2.6), TimeSpan.FromSeconds(-2.4));

        var nodeNow = DateTime.UtcNow.AddSeconds(3);
        _ingest.Tell(new ClockReply("a", 1, accepted.SessionKey, accepted.SentAt, nodeNow, nodeNow));

        var measured = await _merge.FishForMessageAsync<MergeActor.NodeClock>(_ => true);
        Assert.InRange(measured.Correction, TimeSpan.FromSeconds(-3.1), TimeSpan.FromSeconds(-2.9));
    }

    [Fact]
    public async Task A_clock_reply_without_the_session_key_is_dropped()
    {
        await Join("a");

        _ingest.Tell(new ClockReply("a", 1, "forged", DateTime.UtcNow, DateTime.UtcNow.AddHours(1), DateTime.UtcNow.AddHours(1)));

        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_joining_node_is_accepted_from_its_first_batch_and_reported_up()
    {
        _ingest.Tell(new JoinRequest("a", 1, FirstSeq: 5, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        Assert.Equal(5, (await ExpectMsgAsync<JoinAccepted>()).NextSeq);
        Assert.Equal("a", (await _merge.ExpectMsgAsync<MergeActor.NodeConnected>()).Node);
    }

    [Fact]
    public async Task Past_max_nodes_a_new_name_is_refused_and_known_names_may_still_join_again()
    {
        var ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator("chorus.aggregator.max-nodes = 3"), token: null));
        foreach (var node in new[] { "a", "b", "c" })
        {
            ingest.Tell(new JoinRequest(node, 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
            await ExpectMsgAsync<JoinAccepted>();
        }

        ingest.Tell(new JoinRequest("made-up", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        Assert.Contains("chorus.aggregator.max-nodes", (await ExpectMsgAsync<JoinRefused>()).Reason);

        // A known name joining again, even as a new run of that node, takes no new room.
        ingest.Tell(new JoinRequest("b", 2, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        await ExpectMsgAsync<JoinAccepted>();
        ingest.Tell(new JoinRequest("a", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        await ExpectMsgAsync<JoinAccepted>();
    }

    [Fact]
    public async Task Batches_are_passed_on_in_sequence_and_acknowledged()
    {
        await Join("a");

        _ingest.Tell(Batch("a", 1));
        _ingest.Tell(Batch("a", 2));

        Assert.Equal(1, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        Assert.Equal(2, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        Assert.Equal(1, (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Seq);
        Assert.Equal(2, (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Seq);
    }

    [Fact]
    public async Task A_repeated_batch_is_acknowledged_again_but_not_passed_on()
    {
        await Join("a");
        _ingest.Tell(Batch("a", 1));
        await ExpectMsgAsync<BatchAck>();
        await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>();

        _ingest.Tell(Batch("a", 1));

        Assert.Equal(1, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_batch_that_skips_ahead_is_dropped_until_the_missing_one_arrives()
    {
        await Join("a");

        _ingest.Tell(Batch("a", 2));

        Assert.Equal(0, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_batch_from_a_node_that_never_joined_is_dropped()
    {
        _ingest.Tell(Batch("intruder", 1));

        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_restarted_node_is_a_new_incarnation_whose_batches_are_not_taken_for_repeats()
    {
        await Join("a", incarnation: 1);
        _ingest.Tell(Batch("a", 1, incarnation: 1));
        await ExpectMsgAsync<BatchAck>();
        await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>();

        _ingest.Tell(new JoinRequest("a", 2, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _keys[("a", 2)] = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeDisconnected>();
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();
        _ingest.Tell(Batch("a", 1, incarnation: 2));

        Assert.Equal(2, (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Incarnation);
    }

    [Fact]
    public async Task A_heartbeat_passes_the_watermark_on_only_when_no_batch_is_missing()
    {
        await Join("a");

        _ingest.Tell(new Heartbeat("a", 1, LastBatchSeq: 1, At(50), _keys[("a", 1)]));
        await ExpectMsgAsync<BatchAck>();
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        _ingest.Tell(new Heartbeat("a", 1, LastBatchSeq: 0, At(60), _keys[("a", 1)]));
        Assert.Equal(At(60), (await _merge.ExpectMsgAsync<MergeActor.NodeProgress>()).Watermark);
    }

    [Fact]
    public async Task A_silent_node_is_reported_down_after_the_node_timeout()
    {
        // A short timeout for this test only: elsewhere a slow test run must not look like a silent node.
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator("chorus.aggregator.node-timeout = 400ms"), token: null));
        await Join("a");

        var down = await _merge.ExpectMsgAsync<MergeActor.NodeDisconnected>(TimeSpan.FromSeconds(3));

        Assert.Equal("a", down.Node);
    }

    [Fact]
    public async Task A_leaving_node_is_reported_down_at_once()
    {
        await Join("a");

        _ingest.Tell(new NodeLeaving("a", 1, _keys[("a", 1)]));

        Assert.Equal("a", (await _merge.ExpectMsgAsync<MergeActor.NodeDisconnected>(TimeSpan.FromSeconds(3))).Node);
    }

    private async Task Join(string node, long incarnation = 1)
    {
        _ingest.Tell(new JoinRequest(node, incarnation, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _keys[(node, incarnation)] = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();
    }

    /// <summary>A batch carrying the session key its node was given at join (none if it never joined).</summary>
    private LineBatch Batch(string node, long seq, long incarnation = 1) =>
        new(node, incarnation, seq, At((int)seq * 10), [Line("web", seq, (int)seq * 10, "x")], _keys.GetValueOrDefault((node, incarnation), ""));
}
