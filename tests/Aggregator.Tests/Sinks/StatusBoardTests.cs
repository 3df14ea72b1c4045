using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Sinks;

public sealed class StatusBoardTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_exited_process_shows_its_code_and_keeps_its_pid_and_line_count()
    {
        var board = new StatusBoard();

        board.Write([Item(NodeRecord.Started("web", 4242, T0)), Item(Line("web", T0)), Item(Line("web", T0)), Item(NodeRecord.Exited("web", 3, null, T0))]);

        Assert.Equal(new ProcessStatus("web", "exited", 4242, 3, null, 2, StartedAt: T0, Bytes: 2), board.Snapshot().Single().Processes.Single());
    }

    [Fact]
    public void It_counts_what_metrics_shows_bytes_of_every_piece_late_records_by_node_and_missing_lines_by_reason()
    {
        var board = new StatusBoard();

        board.Write(
        [
            Item(Line("web", T0, continued: true)), Item(Line("web", T0)), // one line cut in two pieces: 1 line, 2 bytes
            new OutputItem("alpha", Line("web", T0), Late: true),
            new OutputItem("beta", NodeRecord.Gap("db", 7, "spool-full", T0), Late: true),
            Item(NodeRecord.Gap(null, 3, "spool-full", T0)),
            Item(NodeRecord.Gap("web", 2, "buffer-full", T0)),
        ]);

        var nodes = board.Snapshot();
        var web = nodes.Single(n => n.Node == "alpha").Processes.Single(p => p.Proc == "web");
        Assert.Equal((2L, 3L), (web.Lines, web.Bytes));
        Assert.Equal([("alpha", 1L), ("beta", 1L)], nodes.Select(n => (n.Node, n.LateRecords)));
        Assert.Equal([("buffer-full", 2L), ("spool-full", 10L)], board.MissingLines().OrderBy(m => m.Reason));
    }

    [Fact]
    public void A_restart_clears_the_exit_and_takes_the_new_pid()
    {
        var board = new StatusBoard();

        board.Write([Item(NodeRecord.Started("web", 1, T0)), Item(NodeRecord.Exited("web", null, 9, T0)), Item(NodeRecord.Started("web", 2, T0))]);

        Assert.Equal(new ProcessStatus("web", "running", 2, null, null, 0, StartedAt: T0), board.Snapshot().Single().Processes.Single());
    }

    [Fact]
    public void Node_down_marks_the_node_down_and_is_its_last_seen_time()
    {
        var board = new StatusBoard();

        board.Write([Item(NodeEvent(RecordKind.NodeUp, T0)), Item(Line("web", T0.AddSeconds(1))), Item(NodeEvent(RecordKind.NodeDown, T0.AddSeconds(2)))]);

        var node = board.Snapshot().Single();
        Assert.Equal(("alpha", "down", T0.AddSeconds(2)), (node.Node, node.State, node.LastSeen));
    }

    [Fact]
    public void A_node_shows_the_chorus_version_of_its_latest_node_up()
    {
        var board = new StatusBoard();

        board.Write([Item(Line("web", T0))]);
        Assert.Null(board.Snapshot().Single().Version); // heard of before it was seen joining: not known
        board.Write([Item(NodeRecord.NodeUp(T0, "0.1.0+1a2b3c4")), Item(NodeRecord.NodeDown(T0)), Item(NodeRecord.NodeUp(T0, "0.2.0+5d6e7f8"))]);

        Assert.Equal("0.2.0+5d6e7f8", board.Snapshot().Single().Version);
    }

    [Fact]
    public void A_line_cut_into_pieces_counts_once()
    {
        var board = new StatusBoard();

        board.Write([Item(Line("web", T0, continued: true)), Item(Line("web", T0, continued: true)), Item(Line("web", T0))]);

        Assert.Equal(1, board.Snapshot().Single().Processes.Single().Lines);
    }

    [Fact]
    public void Nodes_and_processes_are_listed_by_name()
    {
        var board = new StatusBoard();

        board.Write([Item(Line("worker", T0), "beta"), Item(Line("web", T0), "beta"), Item(Line("db", T0), "alpha")]);

        var nodes = board.Snapshot();
        Assert.Equal(["alpha", "beta"], nodes.Select(n => n.Node));
        Assert.Equal(["web", "worker"], nodes[1].Processes.Select(p => p.Proc));
    }

    [Fact]
    public void Process_life_events_set_state_readiness_and_restarts()
    {
        var board = new StatusBoard();

        board.Write([Item(NodeRecord.Waiting("api", "db@n1 ready", T0))]);
        Assert.Equal("waiting", board.Snapshot().Single().Processes.Single().State);

        board.Write([Item(NodeRecord.Started("api", 7, T0.AddSeconds(1))), Item(NodeRecord.Ready("api", T0.AddSeconds(2)))]);
        Assert.Equal(new ProcessStatus("api", "running", 7, null, null, 0, Ready: true, Restarts: 0, StartedAt: T0.AddSeconds(1)),
            board.Snapshot().Single().Processes.Single());

        board.Write([Item(NodeRecord.Exited("api", 1, null, T0.AddSeconds(3))), Item(NodeRecord.Restarting("api", 1, 1000, T0.AddSeconds(3)))]);
        Assert.Equal(new ProcessStatus("api", "restarting", 7, 1, null, 0, Ready: false, Restarts: 1, StartedAt: T0.AddSeconds(1)),
            board.Snapshot().Single().Processes.Single());

        board.Write([Item(NodeRecord.GivenUp("api", "5 restarts within 60 s", T0.AddSeconds(4)))]);
        Assert.Equal("given-up", board.Snapshot().Single().Processes.Single().State);
    }

    [Fact]
    public void Scaled_names_a_spec_and_adds_no_process()
    {
        var board = new StatusBoard();

        board.Write([Item(NodeRecord.Scaled("worker", 2, T0)), Item(NodeRecord.Started("worker.1", 1, T0))]);

        Assert.Equal(["worker.1"], board.Snapshot().Single().Processes.Select(p => p.Proc));
    }

    [Fact]
    public void Task_events_invent_no_node_and_touch_no_node_while_folded_away_lines_count_as_lines()
    {
        var board = new StatusBoard();

        board.Write(
        [
            Item(Line("task-t1", T0)),
            new OutputItem("beta", Line("task-t1", T0), FoldedAway: true),
            Item(NodeRecord.Task("task-t1", "running", null, "", T0.AddSeconds(5)), node: ""),
            Item(NodeRecord.Task("task-t1", "lost", null, "node alpha went down", T0.AddSeconds(5))),
        ]);

        var nodes = board.Snapshot();
        Assert.Equal(["alpha", "beta"], nodes.Select(n => n.Node));
        Assert.All(nodes, n => Assert.Equal((T0, 1L), (n.LastSeen, n.Processes.Single().Lines)));
        Assert.Equal("running", nodes[0].Processes.Single().State);
    }

    [Fact]
    public void A_run_of_lines_of_several_processes_with_an_event_between_counts_each_process_and_a_late_run_counts_per_record()
    {
        var board = new StatusBoard();
        var chunk = Chunks.Chunk(
        [
            Item(Line("web", T0)), Item(Line("web", T0)), Item(Line("worker", T0)), Item(Line("web", T0, continued: true)), Item(Line("web", T0)),
            Item(NodeRecord.Started("worker", 7, T0.AddSeconds(1))), Item(Line("worker", T0.AddSeconds(2))),
            new OutputItem("beta", Line("db", T0), Late: true), new OutputItem("beta", Line("db", T0), Late: true), new OutputItem("beta", Line("db", T0), Late: true),
        ]);
        Assert.Equal([7, 3], chunk.Runs.Select(r => r.Count));

        board.Write(chunk);

        var nodes = board.Snapshot();
        Assert.Equal([("alpha", 0L, T0.AddSeconds(2)), ("beta", 3L, T0)], nodes.Select(n => (n.Node, n.LateRecords, n.LastSeen)));
        Assert.Equal([("web", 3L, 4L, "running", (int?)null), ("worker", 2L, 2L, "running", 7)],
            nodes[0].Processes.Select(p => (p.Proc, p.Lines, p.Bytes, p.State, p.Pid)));
        Assert.Equal(("db", 3L, 3L), (nodes[1].Processes.Single().Proc, nodes[1].Processes.Single().Lines, nodes[1].Processes.Single().Bytes));
    }

    private static OutputItem Item(NodeRecord record, string node = "alpha") => new(node, record);

    private static NodeRecord Line(string process, DateTime at, bool continued = false) =>
        NodeRecord.Line(process, OutputStream.Stdout, 1, at, "x"u8.ToArray(), continued);

    private static NodeRecord NodeEvent(RecordKind kind, DateTime at) => new(kind, null, OutputStream.Stdout, 0, at, default);
}
