using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class UplinkAuthenticationTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly IActorRef _uplink;
    // The uplink's parent: where it says it was refused.
    private readonly Akka.TestKit.TestProbe _node;

    public UplinkAuthenticationTests()
    {
        _aggregator = CreateTestProbe();
        var settings = TestNodeSettings.With("chorus.node { heartbeat-interval = 50ms, join-backoff-min = 100ms }");
        _node = CreateTestProbe();
        _node.IgnoreMessages<UplinkActor.Joined>(); // its join starts the processes: not what these tests are about
        _uplink = ProbeActors.ChildOf(Sys, UplinkActor.Props("node-a", 7, _aggregator.Ref.Path.ToString(), new MonotonicClock(), settings, "the token", wireVersion: WireVersion.Current),
            "uplink", _node.Ref);
    }

    [Fact]
    public async Task The_join_presents_the_token_and_everything_after_it_carries_the_session_key()
    {
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();
        Assert.Equal("the token", join.Token);
        _aggregator.Reply(new JoinAccepted(1, 1, "KEY", join.Nonce));

        var heartbeat = await _aggregator.FishForMessageAsync<Heartbeat>(_ => true);
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        var batch = await _aggregator.FishForMessageAsync<LineBatch>(_ => true);

        Assert.Equal("KEY", heartbeat.SessionKey);
        Assert.Equal("KEY", batch.SessionKey);
    }

    [Fact]
    public async Task A_refused_join_is_told_to_the_node_and_not_retried()
    {
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();

        _aggregator.Reply(new JoinRefused("its token does not match the aggregator's.", join.Nonce));

        Assert.Contains("token", (await _node.ExpectMsgAsync<UplinkActor.Refused>()).Reason);
        // Longer than several join backoffs: no further attempt comes.
        await _aggregator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public async Task A_refusal_after_the_node_joined_is_ignored()
    {
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();
        _aggregator.Reply(new JoinAccepted(1, 1, "KEY", join.Nonce));

        _uplink.Tell(new JoinRefused("forged", Nonce: ""), _aggregator.Ref);

        await _node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
