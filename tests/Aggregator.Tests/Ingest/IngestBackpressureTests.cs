using Akka.Actor;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>
/// The ingest while <see cref="PendingOutput"/> fills up, with the test playing both the node (the test actor) and the
/// one sink (it reports chunks to PendingOutput by hand), so every step of the saturation is explicit.
/// Bound: 100 records; batches of 10, so acks wait from batch 6 and batch 11 is turned away.
/// </summary>
public sealed class IngestBackpressureTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const int PerBatch = 10;
    private readonly Akka.TestKit.TestProbe _merge;
    private readonly PendingOutput _pending = new(maxRecords: 100, maxBytes: 1_000_000);
    private readonly PendingOutput.Sink _sink;
    private readonly string _archivePath = Path.GetTempFileName();
    private IActorRef _ingest = ActorRefs.Nobody;
    private string _key = "";

    public IngestBackpressureTests() : base(HoconFiles.Load("aggregator.conf"))
    {
        _merge = CreateTestProbe();
        _sink = _pending.AddSink("stdout");
        IgnoreMessages<ClockProbe>();
        _merge.IgnoreMessages<MergeActor.NodeClock>();
    }

    [Fact]
    public async Task From_half_the_bound_acks_wait_and_at_the_bound_batches_are_turned_away_however_often_they_are_resent()
    {
        await Join();

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)Math.Min(i, 5)), await SendAsync(1, 10));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await PassedOnAsync(10));
        for (var resend = 0; resend < 3; resend++)
            Assert.Equal([5L, 5L], await SendAsync(11, 12));

        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(100, _pending.Held.Records);
    }

    [Fact]
    public async Task Every_answer_grants_a_send_window_from_half_the_bound_a_window_of_nothing_and_below_half_again_the_window()
    {
        var granted = await Join(sendWindowTotal: 8);
        Assert.Equal(SendWindows.StartWindow, granted);

        var grants = new List<int?>();
        for (long seq = 1; seq <= 6; seq++)
        {
            _ingest.Tell(Batch(seq));
            grants.Add((await ExpectMsgAsync<BatchAck>()).Grant);
        }
        _ingest.Tell(new Heartbeat("a", 1, LastBatchSeq: 7, At(500), _key));
        grants.Add((await ExpectMsgAsync<BatchAck>()).Grant);
        await PassedOnAsync(6);

        Finish(1, 2);

        // A node held back is told its window once the output is low, with what was withheld.
        var letGo = await ExpectMsgAsync<BatchAck>();
        Assert.Equal([8, 8, 8, 8, 8, 0, 0], grants);
        Assert.Equal((6L, 8), (letGo.UpToSeq, letGo.Grant));
    }

    [Fact]
    public async Task Heartbeats_are_answered_while_pending_output_is_full()
    {
        await Join();
        await SendAsync(1, 11);

        _ingest.Tell(new Heartbeat("a", 1, LastBatchSeq: 11, At(500), _key));

        Assert.Equal(5, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
    }

    [Fact]
    public async Task Below_half_again_a_node_that_was_only_held_gets_its_withheld_acks()
    {
        await Join();
        await SendAsync(1, 8);
        await PassedOnAsync(8);

        Finish(1, 4);

        Assert.Equal(8, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
    }

    [Fact]
    public async Task Below_half_again_a_node_that_had_a_batch_turned_away_is_told_to_resend_from_it()
    {
        await Join();
        await SendAsync(1, 12);
        await PassedOnAsync(10);

        Finish(1, 6);

        // Sent unasked, it carries the node's session key, or the node would not take it.
        var told = await ExpectMsgAsync<ResendFrom>();
        Assert.Equal((1L, 11L, _key), (told.Incarnation, told.NextSeq, told.SessionKey));
        Assert.Equal([11L], await SendAsync(11, 11));
        Assert.Equal(11, (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Seq);
    }

    [Fact]
    public async Task A_node_held_back_longer_than_the_node_timeout_is_not_reported_down()
    {
        // Long enough that a loaded test machine's pauses between two resends stay well inside it: with 1 s the test
        // failed now and then on a loaded 2-core machine (a pause of a second between two rounds is not rare there).
        var nodeTimeout = TimeSpan.FromSeconds(3);
        await Join(nodeTimeout: $"{nodeTimeout.TotalSeconds}s");
        await SendAsync(1, 11);
        await PassedOnAsync(10);

        // The node resends its window every so often, as its resend timer would; each one is proof of life.
        // Rounds of 100 ms or more until it has been held back for over twice the node timeout.
        var heldBack = System.Diagnostics.Stopwatch.StartNew();
        while (heldBack.Elapsed < 2 * nodeTimeout + TimeSpan.FromMilliseconds(500))
        {
            await SendAsync(11, 11);
            await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public async Task With_an_archive_the_call_to_resend_comes_only_after_every_accepted_batch_is_written()
    {
        await Join(IngestOutput.Archived(Sys.ActorOf(ArchiveActor.Props(_archivePath, _merge.Ref, new StopRequest())), new Dictionary<string, ArchivedNode>()));
        await SendAsync(1, 12);
        await PassedOnAsync(10);

        Finish(1, 6);

        Assert.Equal(11, (await ExpectMsgAsync<ResendFrom>()).NextSeq);
        Assert.Equal(_ingest, LastSender);
        Assert.Equal(new ArchivedNode(1, 10), ArchiveFile.Repair(_archivePath)["a"]);
    }

    /// <summary>Joins node "a" and returns the send window its join's answer grants.</summary>
    private async Task<int?> Join(IngestOutput? output = null, string nodeTimeout = "10s", int sendWindowTotal = 128)
    {
        var settings = TestSettings.Aggregator($"chorus.aggregator {{ node-timeout = {nodeTimeout}, send-window-total = {sendWindowTotal} }}");
        _ingest = Sys.ActorOf(IngestActor.Props(output ?? IngestOutput.Direct(_merge.Ref), _pending, settings, token: null));
        _ingest.Tell(new JoinRequest("a", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        var accepted = await ExpectMsgAsync<JoinAccepted>();
        _key = accepted.SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();
        return accepted.Grant;
    }

    private LineBatch Batch(long seq) =>
        new("a", 1, seq, At((int)seq * 10), Enumerable.Range(0, PerBatch).Select(i => Line("web", seq * PerBatch + i, (int)seq * 10)).ToArray(), _key);

    /// <summary>Sends batches <paramref name="first"/> to <paramref name="last"/> and returns what each was acknowledged with.</summary>
    private async Task<List<long>> SendAsync(long first, long last)
    {
        var acks = new List<long>();
        for (var seq = first; seq <= last; seq++)
        {
            _ingest.Tell(Batch(seq));
            acks.Add((await ExpectMsgAsync<BatchAck>()).UpToSeq);
        }
        return acks;
    }

    private async Task<List<long>> PassedOnAsync(int count)
    {
        var seqs = new List<long>();
        for (var i = 0; i < count; i++) seqs.Add((await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Seq);
        return seqs;
    }

    public new void Dispose()
    {
        base.Dispose();
        File.Delete(_archivePath);
    }

    /// <summary>The sink reports batches <paramref name="first"/> to <paramref name="last"/> written.</summary>
    private void Finish(long first, long last)
    {
        for (var seq = first; seq <= last; seq++)
            _sink.Finished(Batch(seq).Records.Select(r => new OutputItem("a", r)).ToArray());
    }
}
