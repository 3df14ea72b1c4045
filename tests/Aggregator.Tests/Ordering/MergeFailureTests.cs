using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Tests.Support;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ordering;

/// <summary>
/// An exception in the merge must not lose what its reorder buffer held (<see cref="PendingOutput"/> counts it
/// as pending until a sink is done with it) nor forget which nodes are connected (they hold back the others).
/// </summary>
public sealed class MergeFailureTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf"))
{
    [Fact]
    public async Task A_batch_the_merge_throws_on_loses_nothing_it_held_and_it_still_knows_every_connected_node()
    {
        var pending = new PendingOutput(100, 1 << 20);
        var board = new StatusBoard();
        var sink = Sys.ActorOf(SinkActor.Props(board, pending.AddSink("status board")));
        var merge = Sys.ActorOf(MergeActor.Props([sink], Support.TestSettings.Aggregator("chorus.aggregator.reorder-window = 30s")));
        merge.Tell(new MergeActor.NodeConnected("a", ChorusVersion: "0.1.0+test"));
        merge.Tell(new MergeActor.NodeConnected("b", ChorusVersion: "0.1.0+test"));
        // a's line waits for b, which has reported no progress yet.
        Send(merge, pending, "a", Line("web", 1, 1, "held"));

        // b's clock correction puts its line past the end of time: adding them throws in the merge.
        merge.Tell(new MergeActor.NodeClock("b", TimeSpan.FromDays(2)));
        Send(merge, pending, "b", Line("web", 1, 1, "poison") with { Timestamp = DateTime.MaxValue.AddDays(-1) });

        await Eventually.True(() => pending.Held.Records == 0, TimeSpan.FromSeconds(5));
        Assert.Equal(1, Lines(board, "a"));

        // Still connected: b holds a's next line back again until b reports progress past it.
        merge.Tell(new MergeActor.NodeClock("b", TimeSpan.Zero));
        Send(merge, pending, "a", Line("web", 2, 100, "next"));
        await Task.Delay(300); // the merge releases every 10 ms: a line not held back would be out by now
        Assert.Equal(1, Lines(board, "a"));
        merge.Tell(new MergeActor.NodeProgress("b", At(200)));
        await Eventually.True(() => Lines(board, "a") == 2, TimeSpan.FromSeconds(5));
        Assert.Equal(0, pending.Held.Records);
    }

    private static void Send(IActorRef merge, PendingOutput pending, string node, NodeRecord record)
    {
        pending.Accept([record]);
        merge.Tell(new MergeActor.AcceptedBatch(new LineBatch(node, 1, 1, record.Timestamp, [record], SessionKey: "")));
    }

    private static long Lines(StatusBoard board, string node) =>
        board.Snapshot().Where(n => n.Node == node).SelectMany(n => n.Processes).Sum(p => p.Lines);
}
