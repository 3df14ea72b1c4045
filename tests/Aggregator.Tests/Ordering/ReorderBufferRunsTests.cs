using System.Collections.ObjectModel;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ordering;

/// <summary>
/// What the reorder buffer releases, as runs: stretches of the batches it was given, the same lists, never copied, cut
/// where another node goes first, where the window or a watermark stops, and where the late mark changes.
/// (ReorderBufferTests check the order itself, item by item.)
/// </summary>
public sealed class ReorderBufferRunsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);
    private readonly ReorderBuffer _buffer = new(Window);
    private readonly List<OutputRun> _runs = [];

    public ReorderBufferRunsTests()
    {
        _buffer.Connect("a");
        _buffer.Connect("b");
    }

    [Fact]
    public void Runs_of_two_interleaved_nodes_are_cut_where_the_other_node_goes_first_and_point_into_the_batches_as_they_came()
    {
        NodeRecord[] a = [Line("web", 1, 10), Line("web", 2, 11), Line("web", 3, 30), Line("web", 4, 31)];
        NodeRecord[] b = [Line("db", 1, 20), Line("db", 2, 21), Line("db", 3, 40)];
        _buffer.Add("a", a, At(50), arrivedAt: At(50));
        _buffer.Add("b", b, At(50), arrivedAt: At(50));

        _buffer.Release(now: At(51), _runs);

        Assert.Equal([("a", 0, 2), ("b", 0, 2), ("a", 2, 2), ("b", 2, 1)], _runs.Select(r => (r.Node, r.Start, r.Count)));
        Assert.All(_runs, r => Assert.Same(r.Node == "a" ? a : b, r.Records));
        Assert.All(_runs, r => Assert.False(r.Late));
    }

    [Fact]
    public void A_run_cut_by_the_watermark_goes_on_from_where_it_stopped_once_the_window_has_passed()
    {
        NodeRecord[] a = [Line("web", 1, 10), Line("web", 2, 15), Line("web", 3, 30), Line("web", 4, 35)];
        _buffer.Add("a", a, At(40), arrivedAt: At(40));
        _buffer.Advance("b", At(20));

        _buffer.Release(now: At(41), _runs);
        Assert.Equal([(0, 2)], _runs.Select(r => (r.Start, r.Count)));
        _runs.Clear();

        _buffer.Release(now: At(40) + Window, _runs);
        var run = Assert.Single(_runs);
        Assert.Equal((2, 2), (run.Start, run.Count));
        Assert.Same(a, run.Records);
    }

    [Fact]
    public void A_batch_that_starts_before_what_was_released_splits_into_a_late_run_and_an_on_time_one()
    {
        _buffer.Add("a", [Line("web", 1, 100)], At(100), arrivedAt: At(100));
        _buffer.Release(now: At(100) + Window, _runs); // b was silent: a:1 went out after the window
        _runs.Clear();

        _buffer.Add("b", [Line("db", 1, 50), Line("db", 2, 60), Line("db", 3, 150), Line("db", 4, 160)], At(160), arrivedAt: At(400));
        _buffer.Advance("a", At(200));
        _buffer.Release(now: At(400), _runs);

        Assert.Equal([(0, 2, true), (2, 2, false)], _runs.Select(r => (r.Start, r.Count, r.Late)));
    }

    [Fact]
    public void A_corrected_batch_keeps_its_correction_on_its_run()
    {
        _buffer.SetCorrection("b", TimeSpan.FromSeconds(-5));
        _buffer.Add("b", [Line("db", 1, 5020), Line("db", 2, 5030)], At(5040), arrivedAt: At(41));
        _buffer.Advance("a", At(100));

        _buffer.Release(now: At(42), _runs);

        var run = Assert.Single(_runs);
        Assert.Equal((2, TimeSpan.FromSeconds(-5).Ticks), (run.Count, run.CorrectionTicks));
        Assert.Equal(At(20), run.Item(0).CorrectedTimestamp);
    }

    [Fact]
    public void What_a_failed_merge_takes_out_is_the_rest_of_each_batch_marked_late()
    {
        NodeRecord[] a = [Line("web", 1, 10), Line("web", 2, 30), Line("web", 3, 31)];
        _buffer.Add("a", a, At(40), arrivedAt: At(40));
        _buffer.Advance("b", At(20));
        _buffer.Release(now: At(41), _runs);
        _runs.Clear();

        _buffer.TakeAll(_runs);

        var run = Assert.Single(_runs);
        Assert.Equal((1, 2, true), (run.Start, run.Count, run.Late));
        Assert.Same(a, run.Records);
        Assert.False(_buffer.Holding);
    }

    [Fact]
    public void A_time_out_of_range_part_way_through_a_run_leaves_what_was_placed_before_it_released_in_order()
    {
        // A node whose records are not in time order: the one in the middle is past the end of time once corrected.
        _buffer.SetCorrection("a", TimeSpan.FromMilliseconds(1));
        NodeRecord[] a = [Line("web", 1, 10), NodeRecord.Line("web", OutputStream.Stdout, 2, DateTime.MaxValue, default, false), Line("web", 3, 20)];
        _buffer.Add("a", a, At(30), arrivedAt: At(30));
        _buffer.Advance("b", At(50));

        Assert.Throws<ArgumentOutOfRangeException>(() => _buffer.Release(now: At(31), _runs));

        // The merge sends what was released on first, then what the buffer still holds, marked late (see MergeActor).
        Assert.Equal([(0, 1, false)], _runs.Select(r => (r.Start, r.Count, r.Late)));
        _runs.Clear();
        _buffer.TakeAll(_runs);
        Assert.Equal([(1, 2, true)], _runs.Select(r => (r.Start, r.Count, r.Late)));
    }

    public static TheoryData<string> ListsThatAreNotArrays => ["read-only collection", "record block"];

    [Theory]
    [MemberData(nameof(ListsThatAreNotArrays))]
    public void Records_in_a_list_that_is_not_an_array_are_read_through_it_in_the_same_order(string list)
    {
        // A batch's records come as whatever list the wire reader made (a RecordBlock, read through its columns): the
        // merge reads any list, never assuming an array.
        IReadOnlyList<NodeRecord> Made(NodeRecord[] records) =>
            list == "record block" ? RecordBlock.Of(records) : new ReadOnlyCollection<NodeRecord>(records);
        var a = Made([Line("web", 1, 10, "a10"), Line("web", 2, 30, "a30")]);
        var b = Made([Line("db", 1, 20, "b20")]);
        _buffer.Add("a", a, At(40), arrivedAt: At(40));
        _buffer.Add("b", b, At(40), arrivedAt: At(40));

        _buffer.Release(now: At(41), _runs);

        Assert.Equal(["a10", "b20", "a30"], Chunks.Items(_runs).Select(i => i.Record.Text()));
        var texts = new List<string>();
        foreach (var run in _runs)
            foreach (ref readonly var record in run) texts.Add(record.Text());
        Assert.Equal(["a10", "b20", "a30"], texts);
        Assert.Same(a, _runs[0].Records);
    }
}
