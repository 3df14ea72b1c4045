using Akka.Actor;
using Akka.TestKit;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ordering;

/// <summary>
/// The merge between the ingest (the test) and its sinks (two probes): what each sink receives, in which
/// order and when, and how a flush is answered. The reorder window is 30 s, so only watermarks, a node
/// leaving and a flush release anything.
/// </summary>
public sealed class MergeActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _stdout;
    private readonly TestProbe _feed;
    private readonly IActorRef _merge;

    public MergeActorTests() : base(HoconFiles.Load("aggregator.conf"))
    {
        _stdout = CreateTestProbe();
        _feed = CreateTestProbe();
        _merge = Sys.ActorOf(MergeActor.Props([_stdout.Ref, _feed.Ref], TestSettings.Aggregator("chorus.aggregator.reorder-window = 30s")));
    }

    [Fact]
    public async Task A_node_that_joins_is_announced_to_every_sink_at_once()
    {
        _merge.Tell(new MergeActor.NodeConnected("a", ChorusVersion: "0.1.0+test"));

        foreach (var sink in new[] { _stdout, _feed })
        {
            var item = Assert.Single((await sink.ExpectMsgAsync<OutputChunk>()).Items);
            Assert.Equal(("a", RecordKind.NodeUp), (item.Node, item.Record.Kind));
        }
    }

    [Fact]
    public async Task Lines_wait_for_every_connected_node_and_come_out_in_time_order_across_nodes()
    {
        await Connect("a", "b");

        Send("a", watermark: 30, Line("web", 1, 10, "a10"), Line("web", 2, 30, "a30"));
        Send("b", watermark: 5, Line("db", 1, 5, "b5"));
        // b has reported progress only to 5: a's lines after it wait.
        Assert.Equal(["b5"], await TextsAsync(_stdout));
        Send("b", watermark: 40, Line("db", 2, 20, "b20"));

        Assert.Equal(["a10", "b20", "a30"], await TextsAsync(_stdout));
        Assert.Equal(["b5"], await TextsAsync(_feed));
        Assert.Equal(["a10", "b20", "a30"], await TextsAsync(_feed));
    }

    [Fact]
    public async Task A_watermark_alone_releases_what_it_passes()
    {
        await Connect("a", "b");
        Send("a", watermark: 10, Line("web", 1, 10, "held"));
        await _stdout.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));

        _merge.Tell(new MergeActor.NodeProgress("b", At(10)));

        Assert.Equal(["held"], await TextsAsync(_stdout));
    }

    [Fact]
    public async Task A_node_that_leaves_holds_no_one_back_and_its_node_down_follows_its_last_line()
    {
        await Connect("a", "b");
        Send("a", watermark: 10, Line("web", 1, 10, "a10"));
        Send("b", watermark: 5, Line("db", 1, 5, "b5"));
        await TextsAsync(_stdout);

        _merge.Tell(new MergeActor.NodeDisconnected("b"));

        var items = (await _stdout.ExpectMsgAsync<OutputChunk>()).Items;
        Assert.Equal([("b", RecordKind.NodeDown), ("a", RecordKind.Line)], items.Select(i => (i.Node, i.Record.Kind)));
    }

    [Fact]
    public async Task A_clock_correction_places_a_nodes_lines_on_the_aggregators_clock()
    {
        await Connect("a", "b");
        // b's clock is 100 ms behind: its line stamped 0 happened at 100.
        _merge.Tell(new MergeActor.NodeClock("b", TimeSpan.FromMilliseconds(100)));
        Send("b", watermark: 0, Line("db", 1, 0, "b100"));
        Send("a", watermark: 200, Line("web", 1, 50, "a50"));
        _merge.Tell(new MergeActor.NodeProgress("b", At(200)));

        Assert.Equal(["a50", "b100"], await TextsAsync(_stdout, count: 2));
    }

    [Fact]
    public async Task A_flush_releases_everything_held_and_is_answered_only_once_every_sink_has_answered()
    {
        await Connect("a", "b");
        Send("a", watermark: 10, Line("web", 1, 10, "held"));

        _merge.Tell(new FlushOutput());

        Assert.Equal(["held"], await TextsAsync(_stdout));
        Assert.Equal(["held"], await TextsAsync(_feed));
        await _stdout.ExpectMsgAsync<FlushOutput>();
        await _feed.ExpectMsgAsync<FlushOutput>();
        _stdout.Reply(new OutputFlushed());
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        _feed.Reply(new OutputFlushed());
        await ExpectMsgAsync<OutputFlushed>();
    }

    [Fact]
    public async Task A_folded_tasks_line_from_every_node_goes_to_every_sink_as_one_shown_line_with_its_copies()
    {
        await Connect("n1", "n2", "n3");
        _merge.Tell(new MergeActor.FoldLines("task-t1", ["n1", "n2", "n3"], TimeSpan.FromSeconds(30)));

        foreach (var node in new[] { "n3", "n1", "n2" }) Send(node, watermark: 100, Line("task-t1", 1, 10, "Linux 6.1"), Line("web", 1, 50, "web " + node));

        foreach (var sink in new[] { _stdout, _feed })
        {
            var items = new List<OutputItem>();
            while (items.Count < 6) items.AddRange((await sink.ExpectMsgAsync<OutputChunk>()).Items);
            var task = items.Where(i => i.Record.Process == "task-t1").ToArray();
            Assert.Equal(["n1", "n2", "n3"], task[0].FoldedNodes!);
            Assert.Equal([false, true, true], task.Select(i => i.FoldedAway));
            Assert.Equal(3, items.Count(i => i.Record.Process == "web"));
        }
    }

    [Fact]
    public async Task Lines_arrive_as_runs_of_each_batch_and_a_folded_line_as_runs_of_its_own_between_them()
    {
        await Connect("n1", "n2");
        Send("n1", watermark: 100, Line("web", 1, 10, "w1"), Line("web", 2, 11, "w2"), Line("web", 3, 30, "w3"));
        Send("n2", watermark: 100, Line("db", 1, 20, "d1"), Line("db", 2, 21, "d2"));

        var chunk = await _stdout.ExpectMsgAsync<OutputChunk>();
        Assert.Equal([("n1", 2), ("n2", 2), ("n1", 1)], chunk.Runs.Select(r => (r.Node, r.Count)));
        Assert.Equal((5, 5L), (chunk.Count, chunk.NodeRecords));

        _merge.Tell(new MergeActor.FoldLines("task-t1", ["n1", "n2"], TimeSpan.FromSeconds(30)));
        Send("n1", watermark: 200, Line("web", 4, 110, "w4"), Line("task-t1", 1, 120, "same"), Line("web", 5, 130, "w5"), Line("web", 6, 131, "w6"));
        Send("n2", watermark: 200, Line("task-t1", 1, 125, "same"));

        var items = new List<OutputItem>();
        var runs = new List<OutputRun>();
        while (items.Count < 5)
        {
            var next = await _stdout.ExpectMsgAsync<OutputChunk>();
            items.AddRange(next.Items);
            runs.AddRange(next.Runs);
        }
        Assert.Equal(["w4", "same", "same", "w5", "w6"], items.Select(i => i.Record.Text()));
        Assert.Equal([null, "n1,n2", null, null], runs.Select(r => r.FoldedNodes is { } nodes ? string.Join(',', nodes) : null));
        Assert.Equal([1, 1, 1, 2], runs.Select(r => r.Count));
        Assert.Equal([false, false, true, false], runs.Select(r => r.FoldedAway));
    }

    [Fact]
    public async Task A_folded_line_no_other_node_repeats_leaves_by_itself_once_its_window_has_passed()
    {
        await Connect("n1");
        _merge.Tell(new MergeActor.FoldLines("task-t1", ["n1", "n2"], TimeSpan.FromMilliseconds(300)));

        Send("n1", watermark: 10, Line("task-t1", 1, 10, "only here"));

        await _stdout.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
        var item = Assert.Single((await _stdout.ExpectMsgAsync<OutputChunk>(TimeSpan.FromSeconds(10))).Items);
        Assert.Equal(("only here", null, false), (item.Record.Text(), item.FoldedNodes, item.FoldedAway));
    }

    [Fact]
    public async Task A_flush_releases_what_the_folder_holds()
    {
        await Connect("n1");
        _merge.Tell(new MergeActor.FoldLines("task-t1", ["n1", "n2"], TimeSpan.FromSeconds(30)));
        Send("n1", watermark: 10, Line("task-t1", 1, 10, "held for n2"));

        _merge.Tell(new FlushOutput());

        Assert.Equal(["held for n2"], await TextsAsync(_stdout));
    }

    private async Task Connect(params string[] nodes)
    {
        foreach (var node in nodes)
        {
            _merge.Tell(new MergeActor.NodeConnected(node, ChorusVersion: "0.1.0+test"));
            await _stdout.ExpectMsgAsync<OutputChunk>();
            await _feed.ExpectMsgAsync<OutputChunk>();
        }
    }

    private void Send(string node, int watermark, params NodeRecord[] records) =>
        _merge.Tell(new MergeActor.AcceptedBatch(new LineBatch(node, 1, 1, At(watermark), records, SessionKey: "")));

    /// <summary>The texts of the next chunk a sink receives, or of the next chunks until <paramref name="count"/> lines came.</summary>
    private static async Task<List<string>> TextsAsync(TestProbe sink, int count = 0)
    {
        var texts = new List<string>();
        do
        {
            var chunk = await sink.ExpectMsgAsync<OutputChunk>();
            texts.AddRange(chunk.Items.Select(i => i.Record.Text()));
        } while (texts.Count < count);
        return texts;
    }
}
