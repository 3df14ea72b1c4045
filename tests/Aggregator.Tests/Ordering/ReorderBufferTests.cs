using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ordering;

public sealed class ReorderBufferTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);
    private readonly ReorderBuffer _buffer = new(Window);
    private readonly List<OutputItem> _out = [];

    public ReorderBufferTests()
    {
        _buffer.Connect("a");
        _buffer.Connect("b");
    }

    [Fact]
    public void Lines_from_two_nodes_come_out_in_timestamp_order_once_both_have_progressed_past_them()
    {
        _buffer.Add("a", [Line("web", 1, 10), Line("web", 2, 30)], At(30), arrivedAt: At(31));
        _buffer.Add("b", [Line("db", 1, 20), Line("db", 2, 40)], At(40), arrivedAt: At(41));

        _buffer.Release(now: At(42), _out);

        Assert.Equal(["a:1", "b:1", "a:2"], _out.Select(Describe));
        // b:2 waits: a has not reported progress past 40 ms yet.
        var held = new List<OutputItem>();
        _buffer.ReleaseAll(held);
        Assert.Equal(["b:2"], held.Select(Describe));
    }

    [Fact]
    public void A_line_waits_for_a_silent_node_at_most_the_window()
    {
        _buffer.Add("a", [Line("web", 1, 10)], At(10), arrivedAt: At(10));

        _buffer.Release(now: At(10) + Window - TimeSpan.FromMilliseconds(1), _out);
        Assert.Empty(_out);

        _buffer.Release(now: At(10) + Window, _out);
        Assert.Equal(["a:1"], _out.Select(Describe));
    }

    [Fact]
    public void An_idle_nodes_heartbeat_releases_the_others_lines_before_the_window_ends()
    {
        _buffer.Add("a", [Line("web", 1, 10)], At(10), arrivedAt: At(11));
        _buffer.Advance("b", At(15));

        _buffer.Release(now: At(12), _out);

        Assert.Equal(["a:1"], _out.Select(Describe));
    }

    [Fact]
    public void A_line_older_than_what_was_released_comes_out_at_once_marked_late()
    {
        _buffer.Add("a", [Line("web", 1, 100)], At(100), arrivedAt: At(100));
        _buffer.Release(now: At(100) + Window, _out); // b was silent: a:1 went out after the window
        _out.Clear();

        _buffer.Add("b", [Line("db", 1, 50), Line("db", 2, 150)], At(150), arrivedAt: At(400));
        _buffer.Advance("a", At(200));
        _buffer.Release(now: At(400), _out);

        Assert.Equal(["b:1", "b:2"], _out.Select(Describe));
        Assert.True(_out[0].Late);
        Assert.False(_out[1].Late);
    }

    [Fact]
    public void A_process_keeps_its_own_order_even_when_timestamps_are_equal()
    {
        _buffer.Disconnect("b", At(0));
        var lines = Enumerable.Range(1, 100).Select(i => Line("web", i, 10)).ToArray();
        _buffer.Add("a", lines[..50], At(10), arrivedAt: At(10));
        _buffer.Add("a", lines[50..], At(10), arrivedAt: At(10));
        _buffer.Advance("a", At(11));

        _buffer.Release(now: At(11), _out);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), _out.Where(o => o.Record.Kind == RecordKind.Line).Select(o => o.Record.Seq));
    }

    [Fact]
    public void Node_down_follows_the_nodes_last_line_and_stops_holding_others_back()
    {
        _buffer.Add("b", [Line("db", 1, 10)], At(10), arrivedAt: At(10));
        _buffer.Advance("a", At(50));
        _buffer.Disconnect("b", now: At(60));
        _buffer.Add("a", [Line("web", 1, 55)], At(60), arrivedAt: At(60));

        _buffer.Release(now: At(61), _out);

        Assert.Equal(["b:1", "b:node-down", "a:1"], _out.Select(Describe));
    }

    [Fact]
    public void Node_down_is_never_late_though_the_other_nodes_have_moved_on_past_its_last_progress()
    {
        _buffer.Add("b", [Line("db", 1, 10)], At(10), arrivedAt: At(10));
        _buffer.Add("a", [Line("web", 1, 500)], At(500), arrivedAt: At(500));
        _buffer.Release(now: At(500) + Window, _out); // b fell silent at 10 ms; a's lines went on without it
        _out.Clear();

        _buffer.Disconnect("b", now: At(8000));
        _buffer.Release(now: At(8000), _out);

        Assert.Equal(["b:node-down"], _out.Select(Describe));
        Assert.False(_out[0].Late);
    }

    [Fact]
    public void A_node_whose_clock_is_ahead_is_ordered_by_its_corrected_time()
    {
        // b's clock runs 5 s ahead: its line stamped 5,020 ms happened at 20 ms on the aggregator's clock.
        _buffer.SetCorrection("b", TimeSpan.FromSeconds(-5));
        _buffer.Add("a", [Line("web", 1, 10), Line("web", 2, 30)], At(30), arrivedAt: At(31));
        _buffer.Add("b", [Line("db", 1, 5020)], At(5040), arrivedAt: At(41));

        _buffer.Release(now: At(42), _out);

        Assert.Equal(["a:1", "b:1", "a:2"], _out.Select(Describe));
        Assert.Equal(At(20), _out[1].CorrectedTimestamp);
        Assert.Equal(At(5020), _out[1].Record.Timestamp);
    }

    [Fact]
    public void A_smaller_correction_never_makes_a_nodes_next_line_older_than_its_last()
    {
        _buffer.Disconnect("b", At(0));
        _buffer.Add("a", [Line("web", 1, 100)], At(100), arrivedAt: At(100));
        _buffer.SetCorrection("a", TimeSpan.FromMilliseconds(-50));
        _buffer.Add("a", [Line("web", 2, 110)], At(110), arrivedAt: At(110));

        _buffer.ReleaseAll(_out);

        var lines = _out.Where(o => o.Record.Kind == RecordKind.Line).ToList();
        Assert.Equal([1L, 2], lines.Select(o => o.Record.Seq));
        Assert.True(lines[1].CorrectedTimestamp >= lines[0].CorrectedTimestamp);
        Assert.All(lines, o => Assert.False(o.Late));
    }

    [Fact]
    public void Release_all_empties_the_buffer_in_order()
    {
        _buffer.Add("a", [Line("web", 1, 30)], At(30), arrivedAt: At(30));
        _buffer.Add("b", [Line("db", 1, 20)], At(20), arrivedAt: At(30));

        _buffer.ReleaseAll(_out);

        Assert.Equal(["b:1", "a:1"], _out.Select(Describe));
        var again = new List<OutputItem>();
        _buffer.ReleaseAll(again);
        Assert.Empty(again);
    }

    [Fact]
    public void Runs_from_one_node_stop_where_another_nodes_line_is_older_and_equal_times_go_in_the_order_nodes_arrived()
    {
        _buffer.Add("a", [Line("web", 1, 10), Line("web", 2, 20), Line("web", 3, 20), Line("web", 4, 30)], At(30), arrivedAt: At(30));
        _buffer.Add("b", [Line("db", 1, 20), Line("db", 2, 20), Line("db", 3, 25)], At(30), arrivedAt: At(30));
        _buffer.Add("c", [Line("job", 1, 5), Line("job", 2, 20)], At(30), arrivedAt: At(30));

        _buffer.ReleaseAll(_out);

        Assert.Equal(["c:1", "a:1", "a:2", "a:3", "b:1", "b:2", "c:2", "b:3", "a:4"], _out.Select(Describe));
    }

    [Fact]
    public void Hundreds_of_nodes_merge_in_time_order_with_ties_going_to_the_node_seen_first()
    {
        // The merge keeps its nodes in heaps rather than scanning them all per run (bench/scale.sh): at scale, with
        // runs cut short by other nodes' lines and many equal times, the order must be exactly the scan's.
        var buffer = new ReorderBuffer(Window);
        var random = new Random(12);
        var nodes = Enumerable.Range(0, 300).Select(n => $"n{n:000}").ToArray();
        foreach (var node in nodes) buffer.Connect(node);
        var expected = new List<(int Ms, int Node, long Seq)>();
        for (var round = 0; round < 20; round++)
            foreach (var n in Enumerable.Range(0, nodes.Length).OrderBy(_ => random.Next()))
            {
                // Each node's lines in time order, 1 ms apart at most, so that equal times across nodes are common.
                var first = round * 10 + random.Next(3);
                var batch = Enumerable.Range(0, random.Next(1, 4)).Select(i => Line("p", round * 10 + i + 1, first + i)).ToArray();
                buffer.Add(nodes[n], batch, At(round * 10 + 9), arrivedAt: At(round * 10));
                expected.AddRange(batch.Select(r => ((int)(r.Timestamp - T0).TotalMilliseconds, n, r.Seq)));
            }

        var output = new List<OutputItem>();
        buffer.Release(now: At(200), output);

        Assert.Equal(expected.Count, output.Count);
        Assert.All(output, o => Assert.False(o.Late));
        var inOrder = expected.OrderBy(e => e.Ms).ThenBy(e => e.Node).ThenBy(e => e.Seq).Select(e => $"{nodes[e.Node]}:{e.Seq}");
        Assert.Equal(inOrder, output.Select(Describe));
    }

    [Fact]
    public void A_node_that_left_and_joined_again_holds_the_others_back_again()
    {
        _buffer.Disconnect("b", At(0));
        _buffer.Add("a", [Line("web", 1, 10)], At(10), arrivedAt: At(10));
        _buffer.Release(now: At(11), _out);
        Assert.Equal(["b:node-down", "a:1"], _out.Select(Describe));
        _out.Clear();

        _buffer.Connect("b");
        _buffer.Add("a", [Line("web", 2, 20)], At(20), arrivedAt: At(20));
        _buffer.Release(now: At(21), _out);
        Assert.Empty(_out); // b is back, and has not said how far it is

        _buffer.Advance("b", At(25));
        _buffer.Release(now: At(26), _out);
        Assert.Equal(["a:2"], _out.Select(Describe));
    }

    [Fact]
    public void The_window_counts_from_a_batchs_arrival_even_when_part_of_it_went_out_already()
    {
        _buffer.Add("a", [Line("web", 1, 10), Line("web", 2, 30)], At(30), arrivedAt: At(30));
        _buffer.Advance("b", At(20));
        _buffer.Release(now: At(31), _out);
        Assert.Equal(["a:1"], _out.Select(Describe));
        _out.Clear();

        _buffer.Release(now: At(30) + Window - TimeSpan.FromMilliseconds(1), _out);
        Assert.Empty(_out);
        _buffer.Release(now: At(30) + Window, _out);
        Assert.Equal(["a:2"], _out.Select(Describe));
    }

    private static string Describe(OutputItem item) =>
        item.Record.Kind == RecordKind.Line ? $"{item.Node}:{item.Record.Seq}" : $"{item.Node}:{Chorus.Aggregator.Formatting.JsonFormatter.EventName(item.Record.Kind)}";
}
