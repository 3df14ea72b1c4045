using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>Who may join (the token) and who may send once joined (the session key).</summary>
public sealed class IngestAuthenticationTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _merge;
    private readonly IActorRef _ingest;

    public IngestAuthenticationTests()
    {
        _merge = CreateTestProbe();
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator(), AccessToken.From("right token", "test")));
        IgnoreMessages<ClockProbe>(); // the test actor plays the node
        // Joins without a send time tell the merge "no correction"; only measured clocks matter here.
        _merge.IgnoreMessages<MergeActor.NodeClock>(c => c.Correction == TimeSpan.Zero);
    }

    [Theory]
    [InlineData("")]
    [InlineData("wrong token")]
    [InlineData("right token but longer")]
    public async Task A_join_without_the_right_token_is_refused_and_the_node_is_not_reported_up(string token)
    {
        _ingest.Tell(new JoinRequest("a", 1, 1, token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        Assert.NotEmpty((await ExpectMsgAsync<JoinRefused>()).Reason);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_join_with_the_right_token_gets_an_unguessable_session_key()
    {
        _ingest.Tell(new JoinRequest("a", 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _ingest.Tell(new JoinRequest("b", 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        var a = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        var b = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;

        Assert.Equal(32, a.Length); // 16 random bytes, hex
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Answers_to_a_join_echo_its_nonce()
    {
        _ingest.Tell(new JoinRequest("a", 1, 1, "right token", Nonce: "NONCE-OF-A", SentAt: default, WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _ingest.Tell(new JoinRequest("b", 1, 1, "wrong token", Nonce: "NONCE-OF-B", SentAt: default, WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        Assert.Equal("NONCE-OF-A", (await ExpectMsgAsync<JoinAccepted>()).Nonce);
        Assert.Equal("NONCE-OF-B", (await ExpectMsgAsync<JoinRefused>()).Nonce);
    }

    [Fact]
    public async Task A_spool_report_counts_only_with_the_session_key()
    {
        var node = CreateTestProbe();
        _ingest.Tell(new JoinRequest("a", 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Ref);
        var key = (await node.ExpectMsgAsync<JoinAccepted>()).SessionKey;

        _ingest.Tell(new SpoolReport("a", 1, 999_999, SessionKey: "forged"));
        _ingest.Tell(new SpoolReport("a", 1, 4096, key), node.Ref);
        _ingest.Tell(new IngestActor.ReportLinks());

        var link = Assert.Single((await ExpectMsgAsync<IngestActor.LinksReport>()).Links);
        Assert.Equal(new IngestActor.LinkFigures("a", 0, 4096), link);
    }

    [Fact]
    public async Task Acknowledgements_and_clock_probes_carry_the_node_session_key()
    {
        var node = CreateTestProbe();
        _ingest.Tell(new JoinRequest("a", 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Ref);
        var key = (await node.ExpectMsgAsync<JoinAccepted>()).SessionKey;

        Assert.Equal(key, (await node.ExpectMsgAsync<ClockProbe>()).SessionKey);
        _ingest.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "real")], key), node.Ref);
        var ack = await node.ExpectMsgAsync<BatchAck>();
        Assert.Equal((1L, key), (ack.UpToSeq, ack.SessionKey));
        _ingest.Tell(new Heartbeat("a", 1, 1, At(20), key), node.Ref);
        Assert.Equal(key, (await node.ExpectMsgAsync<BatchAck>()).SessionKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("web@host")]
    [InlineData("a,b")]
    [InlineData("\u001b[31m\nFAKE")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65 characters
    public async Task A_join_under_a_name_outside_the_rule_is_refused_with_the_rule(string name)
    {
        _ingest.Tell(new JoinRequest(name, 1, 1, "right token", Nonce: "N", SentAt: default, WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));

        var refused = await ExpectMsgAsync<JoinRefused>();
        Assert.Contains(NodeName.Rule, refused.Reason);
        Assert.Equal("N", refused.Nonce);
        Assert.DoesNotContain('\u001b', refused.Reason);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_join_of_another_wire_version_is_refused_naming_both_versions_whatever_its_token()
    {
        _ingest.Tell(new UnreadableJoin(WireVersion.Current + 1, "N", ChorusVersion: "9.0.0+later\u001b[31m"));

        var refused = await ExpectMsgAsync<JoinRefused>();
        Assert.Equal("N", refused.Nonce);
        Assert.Contains($"wire version {WireVersion.Current + 1} (Chorus 9.0.0+later", refused.Reason);
        Assert.Contains($"wire version {WireVersion.Current} (Chorus {ChorusVersion.Text})", refused.Reason);
        Assert.DoesNotContain('\u001b', refused.Reason);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_forged_batch_for_a_joined_node_without_its_session_key_never_reaches_the_merge()
    {
        var key = await Join("a");

        // Four drops, one warning: the next would come a drop-log-interval later, with the count since.
        await EventFilter.Warning(contains: "from node a without its session key").ExpectOneAsync(async () =>
        {
            _ingest.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "forged")], SessionKey: "0000000000000000000000000000000"));
            _ingest.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "forged")], SessionKey: ""));
            _ingest.Tell(new Heartbeat("a", 1, 0, At(20), SessionKey: ""));
            _ingest.Tell(new NodeLeaving("a", 1, SessionKey: ""));
            await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        });
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        // The real node is unaffected: its batch 1 is still the next one.
        _ingest.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "real")], key));
        Assert.Equal("real", (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Records[0].Text());
    }

    [Fact]
    public async Task Without_a_token_configured_joins_are_accepted_and_the_session_key_still_applies()
    {
        var open = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator(), token: null));
        open.Tell(new JoinRequest("a", 1, 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        var key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();

        open.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "forged")], SessionKey: ""));
        open.Tell(new LineBatch("a", 1, 1, At(10), [Line("web", 1, 10, "real")], key));

        Assert.Equal("real", (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch.Records[0].Text());
    }

    private async Task<string> Join(string node)
    {
        _ingest.Tell(new JoinRequest(node, 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        var key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();
        return key;
    }
}
