using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>An aggregator that refuses this node's times: the uplink tells the node once, keeps its lines and resends them.</summary>
public sealed class UplinkTimesRefusedTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_refusal_of_its_times_is_said_once_and_the_lines_are_kept_and_resent()
    {
        var aggregator = CreateTestProbe();
        var node = CreateTestProbe();
        node.IgnoreMessages<UplinkActor.Joined>(); // its join starts the processes: not what this test is about
        var settings = TestNodeSettings.With("chorus.node { heartbeat-interval = 50ms, resend-after = 200ms }");
        var uplink = ProbeActors.ChildOf(Sys, UplinkActor.Props("node-a", 7, aggregator.Ref.Path.ToString(), new MonotonicClock(), settings, token: "", wireVersion: WireVersion.Current), "uplink", node.Ref);
        var join = await aggregator.ExpectMsgAsync<JoinRequest>();
        aggregator.Reply(new JoinAccepted(1, 1, "KEY", join.Nonce));

        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("kept")));
        var batch = await aggregator.FishForMessageAsync<LineBatch>(_ => true);
        // Without the session key it could come from anyone who reaches the node's port: not heeded.
        aggregator.Reply(new TimesRefused(7, "forged", SessionKey: "GUESS"));
        aggregator.Reply(new TimesRefused(7, "its times lie 30 days ahead", "KEY"));
        aggregator.Reply(new BatchAck(7, 0, "KEY"));

        Assert.Contains("30 days", (await node.ExpectMsgAsync<UplinkActor.LinesRefused>()).Reason);
        var resent = await aggregator.FishForMessageAsync<LineBatch>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(batch.Seq, resent.Seq);
        aggregator.Reply(new TimesRefused(7, "its times lie 30 days ahead", "KEY"));
        await node.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
