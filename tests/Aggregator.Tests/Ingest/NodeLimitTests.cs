using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>
/// max-nodes bounds the nodes that are up. A node that went down is remembered for a while (its resent
/// batches are still known as repeats), then forgotten; the runs an archive holds take no room at all.
/// </summary>
public sealed class NodeLimitTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _merge;

    public NodeLimitTests()
    {
        _merge = CreateTestProbe();
        IgnoreMessages<ClockProbe>();
    }

    [Fact]
    public async Task Ten_short_lived_nodes_one_after_another_are_all_accepted_under_max_nodes_5()
    {
        var ingest = Ingest("chorus.aggregator.max-nodes = 5");

        for (var i = 0; i < 10; i++)
        {
            ingest.Tell(new JoinRequest($"job-{i}", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
            var key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
            ingest.Tell(new NodeLeaving($"job-{i}", 1, key));
        }
    }

    [Fact]
    public async Task Past_max_nodes_that_are_up_a_new_name_is_refused()
    {
        var ingest = Ingest("chorus.aggregator.max-nodes = 2");
        foreach (var node in new[] { "a", "b" })
        {
            ingest.Tell(new JoinRequest(node, 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
            await ExpectMsgAsync<JoinAccepted>();
        }

        ingest.Tell(new JoinRequest("c", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        Assert.Contains("max-nodes", (await ExpectMsgAsync<JoinRefused>()).Reason);
    }

    [Fact]
    public async Task Names_restored_from_the_archive_take_no_room()
    {
        var archived = Enumerable.Range(0, 5).ToDictionary(i => $"old-{i}", _ => new ArchivedNode(7, 3));
        var ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Archived(TestActor, archived), TestSettings.NothingPending(),
            TestSettings.Aggregator("chorus.aggregator.max-nodes = 5"), token: null));

        ingest.Tell(new JoinRequest("new", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        // With an archive, answers go through it (here: the test actor), so the accepted join arrives wrapped.
        var answer = await FishForMessageAsync<ArchiveActor.WriteThenReply>(w => w.Reply is JoinAccepted or JoinRefused);
        Assert.IsType<JoinAccepted>(answer.Reply);
    }

    [Fact]
    public async Task A_node_down_for_longer_than_forget_down_node_after_is_forgotten()
    {
        var ingest = Ingest("chorus.aggregator.forget-down-node-after = 300ms\nchorus.aggregator.node-timeout = 400ms");
        ingest.Tell(new JoinRequest("gone", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        var key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        ingest.Tell(new LineBatch("gone", 1, 1, At(1), [Line("web", 1, 1)], key));
        await ExpectMsgAsync<BatchAck>();
        ingest.Tell(new NodeLeaving("gone", 1, key));

        var forgeries = CreateTestProbe();
        Sys.EventStream.Subscribe(forgeries.Ref, typeof(Warning));
        forgeries.IgnoreMessages<Warning>(w => !w.Message.ToString()!.Contains("from node gone without its session key"));

        // Remembered while down: its own key is still known, so a late message of it is not taken for a forgery.
        ingest.Tell(new Heartbeat("gone", 1, 1, At(2), key));
        await forgeries.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        // Forgotten after the time: now nothing knows that key.
        await AwaitAssertAsync(async () =>
        {
            ingest.Tell(new Heartbeat("gone", 1, 1, At(2), key));
            await forgeries.ExpectMsgAsync<Warning>(TimeSpan.FromMilliseconds(100));
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        // The same run joining again starts afresh, where it says.
        ingest.Tell(new JoinRequest("gone", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        Assert.Equal(1, (await ExpectMsgAsync<JoinAccepted>()).NextSeq);
    }

    private IActorRef Ingest(string overrides) =>
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator(overrides), token: null));
}
