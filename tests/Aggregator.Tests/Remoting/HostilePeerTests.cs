using Akka.Actor;
using Akka.Configuration;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Remoting;

/// <summary>
/// A peer that can reach the aggregator's remoting port but was never given the token: a second
/// ActorSystem on port 0, sending by selection to /user/ingest as a node would, but sending what a node never does.
/// </summary>
public sealed class HostilePeerTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Token = "the token";
    private readonly Akka.TestKit.TestProbe _merge;
    private readonly IActorRef _ingest;
    private readonly ActorSystem _peer;
    private readonly ActorSelection _remoteIngest;

    public HostilePeerTests() : base(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
    {
        _merge = CreateTestProbe();
        _merge.IgnoreMessages<MergeActor.NodeClock>(); // clock corrections are not what these tests are about
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), Support.TestSettings.NothingPending(), Support.TestSettings.Aggregator(), AccessToken.From(Token, "test")), "ingest");
        // The attacker's system has Akka's JSON serializer back and allows any type, so it can send JSON
        // payloads naming a type; everything else is as shipped.
        _peer = ActorSystem.Create(RemoteSystem.Name, ConfigurationFactory
            .ParseString("""
                akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka"
                akka.actor.serialization-settings.allow-unregistered-types = true
                """)
            .WithFallback(HoconFiles.Load("wire.conf")));
        _remoteIngest = _peer.ActorSelection($"akka.tcp://{RemoteSystem.Name}@{RemoteSystem.BoundAddress(Sys)}/user/ingest");
    }

    [Fact]
    public async Task A_poison_pill_and_a_foreign_type_sent_to_ingest_are_dropped_and_ingest_keeps_working()
    {
        var gadget = new Gadget("payload");
        var built = Gadget.Built;

        _remoteIngest.Tell(PoisonPill.Instance);
        _remoteIngest.Tell(Kill.Instance);
        _remoteIngest.Tell(gadget);

        // A real node joining from the same peer afterwards is served: ingest is alive and the link is up.
        var node = new TestNode(_peer);
        _remoteIngest.Tell(new JoinRequest("good", 1, 1, Token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);
        await node.Probe.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(10));
        Assert.Equal("good", (await _merge.ExpectMsgAsync<MergeActor.NodeConnected>()).Node);
        Assert.Equal(built, Gadget.Built); // never constructed on the aggregator's side
    }

    [Fact]
    public async Task A_selection_to_any_other_path_is_dropped()
    {
        var watcher = CreateTestProbe();
        watcher.Watch(_ingest);
        _peer.ActorSelection($"akka.tcp://{RemoteSystem.Name}@{RemoteSystem.BoundAddress(Sys)}/user/*").Tell(PoisonPill.Instance);
        _peer.ActorSelection($"akka.tcp://{RemoteSystem.Name}@{RemoteSystem.BoundAddress(Sys)}/system/*").Tell(PoisonPill.Instance);

        var node = new TestNode(_peer);
        _remoteIngest.Tell(new JoinRequest("good", 1, 1, Token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);
        await node.Probe.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(10));
        await watcher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_forged_batch_from_a_peer_that_knows_the_node_name_and_incarnation_never_reaches_the_merge()
    {
        var node = new TestNode(_peer);
        _remoteIngest.Tell(new JoinRequest("victim", 42, 1, Token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);
        var key = (await node.Probe.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(10))).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();

        var attacker = new TestNode(_peer);
        _remoteIngest.Tell(new LineBatch("victim", 42, 1, At(1), [Line("web", 1, 1, "forged")], "00000000000000000000000000000000"), attacker.Probe.Ref);
        _remoteIngest.Tell(new LineBatch("victim", 42, 1, At(1), [Line("web", 1, 1, "forged")], SessionKey: ""), attacker.Probe.Ref);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await attacker.Probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));

        _remoteIngest.Tell(new LineBatch("victim", 42, 1, At(1), [Line("web", 1, 1, "real")], key), node.Probe.Ref);
        Assert.Equal("real", (await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>(TimeSpan.FromSeconds(10))).Batch.Records[0].Text());
    }

    [Fact]
    public async Task A_join_with_a_wrong_token_over_the_wire_is_answered_with_a_refusal()
    {
        var node = new TestNode(_peer);

        _remoteIngest.Tell(new JoinRequest("intruder", 1, 1, "guess", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);

        Assert.Contains("token", (await node.Probe.ExpectMsgAsync<JoinRefused>(TimeSpan.FromSeconds(10))).Reason);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData(WireVersion.Current)]
    [InlineData(999)]
    public async Task A_join_of_a_whole_frame_of_control_characters_is_still_answered_with_a_refusal(int wireVersion)
    {
        // Name and version together just under the 128000-byte frame as sent; escaped in the refusal, six times that.
        var huge = new string('\u0001', 60_000);
        var node = new TestNode(_peer);

        _remoteIngest.Tell(new JoinRequest(huge, 1, 1, "", SentAt: default, Nonce: "N", WireVersion: wireVersion, ChorusVersion: huge), node.Probe.Ref);

        var refusal = await node.Probe.ExpectMsgAsync<JoinRefused>(TimeSpan.FromSeconds(10));
        Assert.Equal("N", refusal.Nonce);
        Assert.DoesNotContain('\u0001', refusal.Reason);
    }

    [Fact]
    public async Task A_join_with_a_nonce_of_almost_a_whole_frame_is_still_answered_with_a_refusal()
    {
        // The join fits the 128000-byte frame; its refusal, quoting 200 escaped characters of the name beside
        // the nonce, would not if the nonce were echoed whole (Akka would log each one it discards).
        var nonce = new string('n', 127_000);
        var node = new TestNode(_peer);

        _remoteIngest.Tell(new JoinRequest(new string('\u0001', 200), 1, 1, "", SentAt: default, Nonce: nonce, WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);

        var refusal = await node.Probe.ExpectMsgAsync<JoinRefused>(TimeSpan.FromSeconds(10));
        Assert.StartsWith(refusal.Nonce, nonce);
    }

    [Fact]
    public async Task A_flood_of_joins_under_made_up_names_is_refused_and_a_real_node_is_still_served()
    {
        const int Joins = 5_000;
        var flooder = new TestNode(_peer);
        for (var i = 0; i < Joins; i++) _remoteIngest.Tell(new JoinRequest($"made-up-{i}", i, 1, "guess", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), flooder.Probe.Ref);

        // Every join is answered (none is left hanging in a queue), and none reaches the merge as a node.
        for (var i = 0; i < Joins; i++) await flooder.Probe.ExpectMsgAsync<JoinRefused>(TimeSpan.FromSeconds(30));
        var node = new TestNode(_peer);
        _remoteIngest.Tell(new JoinRequest("good", 1, 1, Token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Probe.Ref);
        await node.Probe.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(10));
        Assert.Equal("good", (await _merge.ExpectMsgAsync<MergeActor.NodeConnected>()).Node);
    }

    protected override void AfterAll()
    {
        _peer.Terminate().Wait(TimeSpan.FromSeconds(10));
        base.AfterAll();
    }

    /// <summary>A probe living in the peer's system, so replies travel back over the wire.</summary>
    private sealed class TestNode(ActorSystem system)
    {
        public Akka.TestKit.TestProbe Probe { get; } = new(system, new Akka.TestKit.Xunit2.XunitAssertions());
    }
}

/// <summary>Not a Chorus message: building one on the aggregator's side would mean the peer chose a type.</summary>
public sealed record Gadget(string Payload)
{
    private static int _built;

    public static int Built => Volatile.Read(ref _built);

    public string Payload { get; init; } = Touch(Payload);

    private static string Touch(string payload)
    {
        Interlocked.Increment(ref _built);
        return payload;
    }
}
