using Akka.Actor;
using Akka.TestKit;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>
/// Idle nodes heartbeat rarely, so when a node's lines arrive the ingest asks the other nodes for their progress
/// (a clock probe, which an idle node answers with a heartbeat): the merge need not wait out the reorder window.
/// </summary>
public sealed class IngestProgressRequestTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IActorRef _ingest;

    public IngestProgressRequestTests()
    {
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(CreateTestProbe().Ref), TestSettings.NothingPending(),
            TestSettings.Aggregator("chorus.aggregator { progress-request-interval = 50ms, clock-probe-interval = 1h }"), token: null));
    }

    [Fact]
    public async Task Lines_from_one_node_ask_the_other_for_its_progress_and_not_the_sender()
    {
        var (busy, quiet) = (CreateTestProbe(), CreateTestProbe());
        var key = await Join(busy, "busy");
        await Join(quiet, "quiet");

        _ingest.Tell(new LineBatch("busy", 1, 1, At(10), [Line("web", 1, 10, "x")], key), busy.Ref);

        await quiet.ExpectMsgAsync<ClockProbe>();
        await busy.ExpectMsgAsync<BatchAck>();
        await busy.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Lines_arriving_within_the_interval_ask_once_more_when_it_runs_out()
    {
        var (busy, quiet) = (CreateTestProbe(), CreateTestProbe());
        var key = await Join(busy, "busy");
        await Join(quiet, "quiet");

        _ingest.Tell(new LineBatch("busy", 1, 1, At(10), [Line("web", 1, 10, "x")], key), busy.Ref);
        _ingest.Tell(new LineBatch("busy", 1, 2, At(20), [Line("web", 2, 20, "y")], key), busy.Ref);

        await quiet.ExpectMsgAsync<ClockProbe>();
        await quiet.ExpectMsgAsync<ClockProbe>(TimeSpan.FromSeconds(3));
        await quiet.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Joins as <paramref name="node"/> from <paramref name="probe"/>; returns the session key, after the join's own clock probe.</summary>
    private async Task<string> Join(TestProbe probe, string node)
    {
        _ingest.Tell(new JoinRequest(node, 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), probe.Ref);
        var key = (await probe.ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await probe.ExpectMsgAsync<ClockProbe>();
        return key;
    }
}
