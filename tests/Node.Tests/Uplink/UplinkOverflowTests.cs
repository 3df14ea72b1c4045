using System.Text;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The uplink while the aggregator does not acknowledge: memory stays bounded, then the spool, then gaps.</summary>
public sealed class UplinkOverflowTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("wire.conf")), IDisposable
{
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "chorus-spool-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Without_a_spool_lines_past_the_memory_bound_become_one_gap_with_their_exact_count()
    {
        var (aggregator, uplink) = await Start("max-buffered-bytes = 64KiB, spool-max-bytes = 0");
        for (var i = 0; i < 100; i++) uplink.Tell(Read("web", 1 + i * 100, 100));   // 100 x 100 lines of 100 bytes: 1 MB

        var batches = await AcknowledgeEverything(aggregator, expectedLines: 10_000);

        var records = batches.SelectMany(b => b.Records).ToList();
        var gap = Assert.Single(records, r => r.Kind == RecordKind.Gap);
        Assert.Equal(("web", "buffer-full"), (gap.Process, gap.Reason));
        Assert.Equal(10_000, records.Count(r => r.Kind == RecordKind.Line) + gap.Count);
        Assert.Equal(batches.Select((_, i) => (long)i + 1), batches.Select(b => b.Seq));
    }

    [Fact]
    public async Task Empty_lines_count_against_the_memory_bound_too()
    {
        // Text alone would never fill the bound with empty lines, and memory would grow for as long as the outage lasts.
        var (aggregator, uplink) = await Start("max-buffered-bytes = 64KiB, spool-max-bytes = 0");
        for (var i = 0; i < 100; i++) uplink.Tell(Read("blank", 1 + i * 100, 100, lineBytes: 0));

        var batches = await AcknowledgeEverything(aggregator, expectedLines: 10_000);

        var records = batches.SelectMany(b => b.Records).ToList();
        var gap = Assert.Single(records, r => r.Kind == RecordKind.Gap);
        Assert.Equal(("blank", "buffer-full"), (gap.Process, gap.Reason));
        Assert.Equal(10_000, records.Count(r => r.Kind == RecordKind.Line) + gap.Count);
    }

    [Fact]
    public async Task With_a_spool_nothing_is_lost_and_order_holds()
    {
        var (aggregator, uplink) = await Start("max-buffered-bytes = 64KiB, spool-max-bytes = 100MiB");
        for (var i = 0; i < 100; i++) uplink.Tell(Read("web", 1 + i * 100, 100));

        var batches = await AcknowledgeEverything(aggregator, expectedLines: 10_000);

        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), batches.SelectMany(b => b.Records).Select(r => r.Seq));
    }

    [Fact]
    public async Task A_node_tells_the_aggregator_how_much_it_spooled_and_when_the_spool_is_empty_again()
    {
        var (aggregator, uplink) = await Start("max-buffered-bytes = 64KiB, spool-max-bytes = 100MiB");
        aggregator.Reply(new JoinAccepted(1, 1, Nonce: ((JoinRequest)aggregator.LastMessage).Nonce, SessionKey: "key"));
        for (var i = 0; i < 100; i++) uplink.Tell(Read("web", 1 + i * 100, 100)); // 1 MB, never acknowledged: most of it spools

        var spooling = (SpoolReport)await aggregator.FishForMessageAsync(m => m is SpoolReport, TimeSpan.FromSeconds(5));
        Assert.True(spooling.SpooledBytes > 0);
        Assert.Equal(("node-a", 7L, "key"), (spooling.Node, spooling.Incarnation, spooling.SessionKey));

        // Acknowledged, every batch (spooled ones too) is sent and the spool empties.
        var empty = await aggregator.FishForMessageAsync(m =>
        {
            if (m is LineBatch batch) aggregator.Reply(new BatchAck(7, batch.Seq, "key"));
            return m is SpoolReport { SpooledBytes: 0 };
        }, TimeSpan.FromSeconds(10));
        Assert.IsType<SpoolReport>(empty);
    }

    [Fact]
    public async Task Lines_not_acknowledged_when_the_drain_times_out_go_back_to_the_spool_and_the_next_run_sends_them()
    {
        var (aggregator, uplink) = await Start("max-buffered-bytes = 64KiB, spool-max-bytes = 100MiB, drain-timeout = 500ms");
        aggregator.Reply(new JoinAccepted(1, 1, Nonce: ((JoinRequest)aggregator.LastMessage).Nonce, SessionKey: ""));
        for (var i = 0; i < 100; i++) uplink.Tell(Read("web", 1 + i * 100, 100));
        await aggregator.FishForMessageAsync(m => m is LineBatch, TimeSpan.FromSeconds(5)); // sent, never acknowledged

        var drained = await uplink.Ask<UplinkActor.Drained>(new UplinkActor.Drain(), TimeSpan.FromSeconds(5));
        Assert.True(drained.UndeliveredRecords > 0);
        Assert.Equal(drained.UndeliveredRecords, drained.SpooledRecords);
        await uplink.GracefulStop(TimeSpan.FromSeconds(5)); // releases the spool

        // The next run (given incarnation 8) resumes run 7, which sent some of them, from its first batch; the
        // aggregator, which kept none, then gets every line once.
        var next = CreateTestProbe();
        Sys.ActorOf(UplinkActor.Props("node-a", 8, next.Ref.Path.ToString(), new MonotonicClock(), Settings("max-buffered-bytes = 64KiB, spool-max-bytes = 100MiB"), token: "", wireVersion: WireVersion.Current));
        var join = await next.ExpectMsgAsync<JoinRequest>();
        Assert.Equal((7L, 1L), (join.Incarnation, join.FirstSeq));
        var batches = await AcknowledgeEverything(next, expectedLines: 10_000);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), batches.SelectMany(b => b.Records).Select(r => r.Seq));
    }

    [Fact]
    public async Task A_restarted_uplink_numbers_its_batches_under_a_new_incarnation()
    {
        // The aggregator holds batches 1-3 of incarnation 7; were the restarted uplink to number from 1 under 7
        // again, its new batches would be taken for repeats, acknowledged and dropped, with no gap.
        var (aggregator, uplink) = await Start("spool-max-bytes = 0");

        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, null!)); // a fault in the uplink: it restarts

        var join = (JoinRequest)await aggregator.FishForMessageAsync(m => m is JoinRequest, TimeSpan.FromSeconds(5));
        Assert.NotEqual(7, join.Incarnation);
        Assert.Equal(1, join.FirstSeq);
    }

    private async Task<(Akka.TestKit.TestProbe, IActorRef)> Start(string overrides)
    {
        var aggregator = CreateTestProbe();
        var uplink = Sys.ActorOf(UplinkActor.Props("node-a", 7, aggregator.Ref.Path.ToString(), new MonotonicClock(), Settings(overrides), token: "", wireVersion: WireVersion.Current));
        await aggregator.ExpectMsgAsync<JoinRequest>();
        return (aggregator, uplink);
    }

    private NodeSettings Settings(string overrides) =>
        TestNodeSettings.With($"chorus.node {{ {overrides}, spool-dir = \"{_spool}\", link-timeout = 30s }}");

    /// <summary>Lets the lines pile up unacknowledged, then joins and acknowledges every batch until all are accounted for.</summary>
    private static async Task<List<LineBatch>> AcknowledgeEverything(Akka.TestKit.TestProbe aggregator, long expectedLines)
    {
        await Task.Delay(300); // nothing to wait for: the uplink is meant to sit on the lines while no aggregator answers
        // The join Start saw, still the last message: nothing else comes before the node is accepted.
        aggregator.Reply(new JoinAccepted(1, 1, Nonce: ((JoinRequest)aggregator.LastMessage).Nonce, SessionKey: ""));
        var batches = new SortedDictionary<long, LineBatch>();
        while (batches.Values.Sum(b => b.Records.Sum(r => r.Kind == RecordKind.Gap ? r.Count : 1)) < expectedLines)
        {
            var batch = (LineBatch)await aggregator.FishForMessageAsync(m => m is LineBatch, TimeSpan.FromSeconds(5));
            batches.TryAdd(batch.Seq, batch);
            aggregator.Reply(new BatchAck(7, batch.Seq, SessionKey: ""));
        }
        return batches.Values.ToList();
    }

    private static ProcessActor.LinesRead Read(string process, long firstSeq, int count, int lineBytes = 100) =>
        new(process, OutputStream.Stdout, firstSeq,
            Enumerable.Range(0, count).Select(_ => new FramedLine(Encoding.UTF8.GetBytes(new string('x', lineBytes)), false)).ToArray());

    public new void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_spool)) Directory.Delete(_spool, recursive: true);
    }
}
