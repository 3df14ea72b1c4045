using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ordering;

/// <summary>The folder alone, fed by hand, at times the test chooses: a task folded on n1, n2, n3 with a 200 ms window.</summary>
public sealed class LineFolderTests
{
    private const string Task = "task-t1";
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private readonly LineFolder _folder = new();
    private readonly List<OutputItem> _out = [];

    public LineFolderTests() => _folder.Start(Task, ["n1", "n2", "n3"], Window);

    // Every node has started the command, at 0: from then on a line waits its window (started events leave at once).
    private void StartAll() => StartAllBut("");

    [Fact]
    public void The_same_line_from_every_node_leaves_as_one_shown_line_the_moment_the_last_copy_arrives()
    {
        Add("n2", Line(Task, 1, 0, "Linux 6.1"));
        Add("n1", Line(Task, 1, 0, "Linux 6.1"));
        Assert.Empty(_out);
        Assert.True(_folder.Holding);

        Add("n3", Line(Task, 1, 0, "Linux 6.1"));

        Assert.Equal([("n2", "n1,n2,n3", false), ("n1", "", true), ("n3", "", true)], Shown());
        Assert.False(_folder.Holding);
    }

    [Fact]
    public void Lines_that_differ_leave_per_node_when_the_window_runs_out_and_copies_that_agree_fold_among_themselves()
    {
        StartAll();
        Add("n1", Line(Task, 1, 0, "6.1"));
        Add("n2", Line(Task, 1, 0, "6.2"), ms: 50);
        Add("n3", Line(Task, 1, 0, "6.1"), ms: 100);

        _folder.Release(At(199), _out);
        Assert.Empty(_out);
        _folder.Release(At(200), _out);
        Assert.Equal([("n1", "n1,n3", false), ("n3", "", true)], Shown());
        _folder.Release(At(250), _out);
        Assert.Equal([("n1", "n1,n3", false), ("n3", "", true), ("n2", "", false)], Shown());
        Assert.Equal("6.2", _out[^1].Record.Text());
    }

    [Fact]
    public void A_started_that_comes_after_another_nodes_first_line_still_lets_its_line_fold()
    {
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Add(node, NodeRecord.Started(Task, 100, At(0)));
            Add(node, Line(Task, 1, 0, "Linux"));
        }

        Assert.Equal([("n1", "", false), ("n2", "", false), ("n3", "", false), ("n1", "n1,n2,n3", false), ("n2", "", true), ("n3", "", true)], Shown());
        Assert.Equal([RecordKind.Started, RecordKind.Started, RecordKind.Started], _out.Take(3).Select(i => i.Record.Kind));
    }

    [Fact]
    public void A_node_never_has_its_lines_reordered_even_when_that_costs_a_fold()
    {
        StartAll();
        Add("n1", Line(Task, 1, 0, "a"));
        Add("n1", Line(Task, 2, 0, "b"));
        Add("n2", Line(Task, 1, 0, "b"));
        // n2's "a" comes after its "b": joining n1's "a", which leaves first, would put it before.
        Add("n2", Line(Task, 2, 0, "a"));

        _folder.Release(At(200), _out);

        Assert.Equal([("n1", "", false), ("n1", "n1,n2", false), ("n2", "", true), ("n2", "", false)], Shown());
        Assert.Equal(["a", "b", "b", "a"], _out.Select(i => i.Record.Text()));
    }

    [Fact]
    public void A_node_that_exited_or_went_down_is_not_waited_for()
    {
        Add("n3", NodeRecord.Exited(Task, 0, null, At(0)));
        Add("n1", Line(Task, 1, 0, "x"));
        Assert.Equal([RecordKind.Exited], _out.Select(i => i.Record.Kind));

        _out.Clear();
        _folder.Add(new OutputItem("n2", NodeRecord.NodeDown(At(0))), At(10), _out);

        Assert.Equal([(RecordKind.NodeDown, "n2"), (RecordKind.Line, "n1")], _out.Select(i => (i.Record.Kind, i.Node)));
        Assert.Null(_out[1].FoldedNodes);
    }

    [Fact]
    public void An_exited_waits_behind_its_own_nodes_held_lines_and_ends_the_fold_once_every_node_has()
    {
        Add("n1", Line(Task, 1, 0, "x"));
        Add("n1", NodeRecord.Exited(Task, 0, null, At(0)));
        Assert.Empty(_out);

        Add("n2", Line(Task, 1, 0, "x"));
        Add("n2", NodeRecord.Exited(Task, 0, null, At(0)));
        Add("n3", NodeRecord.Exited(Task, 0, null, At(0)));

        // n3 has nothing held, so its exited leaves at once; it ends n3, which completes the line n1 and n2 printed.
        Assert.Equal([(RecordKind.Exited, "n3"), (RecordKind.Line, "n1"), (RecordKind.Line, "n2"), (RecordKind.Exited, "n1"), (RecordKind.Exited, "n2")],
            _out.Select(i => (i.Record.Kind, i.Node)));
        _out.Clear();
        Add("n1", Line(Task, 2, 0, "after exit"));
        Assert.Single(_out);
    }

    [Fact]
    public void A_node_down_waits_behind_its_nodes_held_items_and_passes_at_once_otherwise()
    {
        StartAll();
        Add("n1", Line(Task, 1, 0, "x"));
        Add("n1", NodeRecord.Exited(Task, 0, null, At(0)));
        _folder.Add(new OutputItem("n1", NodeRecord.NodeDown(At(0))), At(0), _out);
        _folder.Add(new OutputItem("n2", NodeRecord.NodeDown(At(0))), At(0), _out);
        Assert.Equal([(RecordKind.NodeDown, "n2")], _out.Select(i => (i.Record.Kind, i.Node)));

        _folder.Release(At(200), _out);

        Assert.Equal([(RecordKind.NodeDown, "n2"), (RecordKind.Line, "n1"), (RecordKind.Exited, "n1"), (RecordKind.NodeDown, "n1")],
            _out.Select(i => (i.Record.Kind, i.Node)));
    }

    [Fact]
    public void A_node_down_waits_behind_its_nodes_held_items_of_every_folded_task_not_only_the_first()
    {
        // Two folded tasks on the same nodes; the second's window is longer, so its items leave later.
        _folder.Start("task-t2", ["n1", "n2", "n3"], TimeSpan.FromMilliseconds(1000));
        foreach (var node in new[] { "n1", "n2", "n3" }) Add(node, NodeRecord.Started("task-t2", 200, At(0)));
        StartAll();
        Add("n1", Line(Task, 1, 0, "x"));
        Add("n1", Line("task-t2", 1, 0, "y"));
        Add("n1", NodeRecord.Exited("task-t2", 0, null, At(0)));
        _folder.Add(new OutputItem("n1", NodeRecord.NodeDown(At(0))), At(0), _out);

        _folder.Release(At(200), _out);
        _folder.Release(At(1000), _out);

        // The task queue reads an exited after its node's node-down as too late (lost): the node-down must come last.
        Assert.Equal([(RecordKind.Line, Task), (RecordKind.Line, "task-t2"), (RecordKind.Exited, "task-t2"), (RecordKind.NodeDown, null)],
            _out.Select(i => (i.Record.Kind, i.Record.Process)));
    }

    [Fact]
    public void Other_processes_pass_straight_through_and_release_all_empties_it_in_order()
    {
        Add("n1", Line(Task, 1, 0, "held"));
        Add("n1", Line("web", 1, 0, "not folded"));
        Assert.Equal(["not folded"], _out.Select(i => i.Record.Text()));

        _folder.ReleaseAll(_out);

        Assert.Equal(["not folded", "held"], _out.Select(i => i.Record.Text()));
        Assert.False(_folder.Holding);
    }

    [Fact]
    public void Stdout_and_stderr_copies_of_the_same_text_do_not_fold()
    {
        StartAll();
        Add("n1", Line(Task, 1, 0, "x"));
        Add("n2", Line(Task, 1, 0, "x", OutputStream.Stderr));
        Add("n3", Line(Task, 1, 0, "x"));

        _folder.Release(At(200), _out);

        Assert.Equal([("n1", "n1,n3", false), ("n3", "", true), ("n2", "", false)], Shown());
    }

    [Fact]
    public void Lines_that_come_before_the_nodes_are_known_are_folded_once_they_are()
    {
        var folder = new LineFolder();
        folder.Start("task-t2", [], Window);
        folder.Add(new OutputItem("n1", Line("task-t2", 1, 0, "early")), At(0), _out);
        folder.Add(new OutputItem("n2", Line("task-t2", 1, 0, "early")), At(10), _out);
        folder.Release(At(20), _out);
        Assert.Empty(_out);

        folder.Start("task-t2", ["n1", "n2"], Window);
        folder.Release(At(30), _out);

        Assert.Equal([("n1", "n1,n2", false), ("n2", "", true)], Shown());
    }

    [Fact]
    public void While_the_nodes_are_not_known_a_line_still_leaves_when_its_window_has_passed()
    {
        var folder = new LineFolder();
        folder.Start("task-t2", [], Window);
        folder.Add(new OutputItem("n1", Line("task-t2", 1, 0, "early")), At(0), _out);

        folder.Release(At(200), _out);

        Assert.Equal([("n1", "", false)], Shown());
        // Told that no node runs it (every node refused): folding it is over.
        folder.Start("task-t2", [], Window);
        folder.Release(At(210), _out);
        Assert.False(folder.Folding);
    }

    // Nodes start a command up to a few hundred ms apart (the task reaches each at its own pace; a first spawn is slow):
    // a node that has not started cannot have printed its copy, so the window runs from the last node's start.
    [Fact]
    public void A_line_waits_for_a_node_that_has_not_started_yet_then_its_window_runs_from_that_start()
    {
        Add("n1", NodeRecord.Started(Task, 100, At(0)));
        Add("n2", NodeRecord.Started(Task, 101, At(0)));
        _out.Clear();
        Add("n1", Line(Task, 1, 0, "Linux 6.1"), ms: 10);
        Add("n2", Line(Task, 1, 0, "Linux 6.1"), ms: 20);

        _folder.Release(At(400), _out);
        Assert.Empty(_out);
        Add("n3", NodeRecord.Started(Task, 102, At(0)), ms: 500);
        _folder.Release(At(650), _out);
        Assert.Equal([("n3", "", false)], Shown());
        Add("n3", Line(Task, 1, 0, "Linux 6.1"), ms: 690);

        Assert.Equal([("n3", "", false), ("n1", "n1,n2,n3", false), ("n2", "", true), ("n3", "", true)], Shown());
    }

    [Fact]
    public void A_node_that_never_starts_holds_a_line_no_longer_than_the_start_wait()
    {
        StartAllBut("n3");
        Add("n1", Line(Task, 1, 0, "only two"), ms: 10);

        _folder.Release(At(10) + LineFolder.StartWait - TimeSpan.FromMilliseconds(1), _out);
        Assert.Empty(_out);
        _folder.Release(At(10) + LineFolder.StartWait, _out);
        Assert.Equal([("n1", "", false)], Shown());
    }

    private void StartAllBut(string node)
    {
        foreach (var other in new[] { "n1", "n2", "n3" }.Where(n => n != node)) Add(other, NodeRecord.Started(Task, 100, At(0)));
        _out.Clear();
    }

    private void Add(string node, NodeRecord record, int ms = 0) => _folder.Add(new OutputItem(node, record), At(ms), _out);

    private (string Node, string Folded, bool Away)[] Shown() =>
        _out.Select(i => (i.Node, string.Join(',', i.FoldedNodes ?? []), i.FoldedAway)).ToArray();
}
