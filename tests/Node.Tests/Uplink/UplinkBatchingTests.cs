using System.Text;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>
/// Batching by load, not by a timer: batch-max-delay is a minute here, so only the link's load can explain when a
/// batch leaves.
/// </summary>
public sealed class UplinkBatchingTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly IActorRef _uplink;

    public UplinkBatchingTests()
    {
        _aggregator = CreateTestProbe();
        var settings = TestNodeSettings.With("chorus.node { batch-max-delay = 60s, resend-after = 60s, link-timeout = 120s, heartbeat-interval = 30s }");
        _uplink = Sys.ActorOf(UplinkActor.Props("node-a", 7, _aggregator.Ref.Path.ToString(), new MonotonicClock(), settings, token: "", wireVersion: WireVersion.Current));
    }

    [Fact]
    public async Task A_lone_line_goes_out_at_once_on_a_quiet_link()
    {
        await Join();

        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("alone")));

        Assert.Equal(["alone"], Texts(await NextBatch()));
    }

    [Fact]
    public async Task Lines_read_while_the_link_is_busy_collect_and_go_in_one_batch_with_the_next_acknowledgement()
    {
        await Join();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        var first = await NextBatch();
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 2, FramedLines.Whole("b")));
        Assert.Equal(["b"], Texts(await NextBatch()));

        // Two batches in flight: these wait for room.
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 3, FramedLines.Whole("c")));
        _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 4, FramedLines.Whole("d")));
        await _aggregator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        _uplink.Tell(new BatchAck(7, first.Seq, SessionKey: ""), _aggregator.Ref);

        var third = await NextBatch();
        Assert.Equal(3, third.Seq);
        Assert.Equal(["c", "d"], Texts(third));
    }

    private async Task Join()
    {
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();
        _aggregator.Reply(new JoinAccepted(1, 1, Nonce: join.Nonce, SessionKey: ""));
    }

    private async Task<LineBatch> NextBatch() =>
        (LineBatch)await _aggregator.FishForMessageAsync(m => m is LineBatch, TimeSpan.FromSeconds(10));

    private static string[] Texts(LineBatch batch) => batch.Records.Select(r => Encoding.UTF8.GetString(r.Text.Span)).ToArray();
}
