using System.Buffers;
using System.Text.Json.Nodes;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;
using Chorus.Messages.Control;
using static Chorus.Aggregator.Tests.Support.Processes;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>/api/nodes's document: the stream's view of each node, each process's fields from the node's table where it has one.</summary>
public sealed class NodesEndpointTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 1, 0, 0, DateTimeKind.Utc);
    private readonly StatusBoard _board = new();
    private readonly FleetDirectory _directory = new();

    [Fact]
    public void A_process_in_the_nodes_table_shows_the_tables_fields_and_the_streams_line_count()
    {
        _board.Write([Item(NodeRecord.NodeUp(T0, "0.2.0+1234567")), Item(NodeRecord.Started("worker.1", 41, T0)), Item(Line("worker.1"))]);
        _directory.Update("n1", [Info("worker.1", baseName: "worker", pid: 42, restarts: 2, startedAt: T0.AddSeconds(5), stdin: true,
            groups: ["workers", "batch"], labels: new() { ["tier"] = "backend", ["az"] = "b" })]);

        var worker = Process(Nodes(), "n1", "worker.1");

        Assert.Equal("running", (string?)worker["state"]);
        Assert.True((bool)worker["ready"]!);
        Assert.Equal(42, (int)worker["pid"]!);
        Assert.Null(worker["code"]);
        Assert.Null(worker["signal"]);
        Assert.Equal(1, (long)worker["lines"]!);
        Assert.Equal(2, (int)worker["restarts"]!);
        Assert.Equal(["workers", "batch"], worker["groups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal("""{"az":"b","tier":"backend"}""", worker["labels"]!.ToJsonString());
        Assert.True((bool)worker["stdin"]!);
        Assert.Equal("2026-12-05T01:00:05.000000Z", (string?)worker["started_at"]);
        Assert.Equal("worker", (string?)worker["base"]);
        Assert.Empty(worker["waiting_for"]!.AsArray());
    }

    [Fact]
    public void A_node_shows_its_own_labels_from_its_last_join_also_while_it_is_down_and_none_when_it_gave_none()
    {
        _board.Write([Item(NodeRecord.NodeUp(T0, "0.2.0+1234567")), new OutputItem("n2", NodeRecord.NodeUp(T0, "0.2.0+1234567")),
            Item(NodeRecord.NodeDown(T0.AddSeconds(1)))]);
        _directory.SetLabels("n1", new Dictionary<string, string> { ["zone"] = "eu-1a", ["tier"] = "backend" });

        var nodes = Nodes()["nodes"]!.AsArray();

        Assert.Equal(("n1", "down"), ((string?)nodes[0]!["node"], (string?)nodes[0]!["state"]));
        Assert.Equal("""{"tier":"backend","zone":"eu-1a"}""", nodes[0]!["labels"]!.ToJsonString());
        Assert.Equal("{}", nodes[1]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void A_waiting_process_the_stream_has_not_shown_is_listed_with_what_it_waits_for()
    {
        _board.Write([Item(NodeRecord.NodeUp(T0, "0.2.0+1234567")), Item(NodeRecord.Started("db", 7, T0))]);
        _directory.Update("n1", [Info("db"), Info("api", state: ProcessState.Waiting, ready: false, pid: 0, waitingFor: ["db ready"])]);

        var nodes = Nodes();
        var api = Process(nodes, "n1", "api");

        Assert.Equal(["api", "db"], nodes["nodes"]![0]!["processes"]!.AsArray().Select(p => (string?)p!["proc"]));
        Assert.Equal("waiting", (string?)api["state"]);
        Assert.False((bool)api["ready"]!);
        Assert.Null(api["pid"]);
        Assert.Equal(0, (long)api["lines"]!);
        Assert.Null(api["started_at"]);
        Assert.Equal(["db ready"], api["waiting_for"]!.AsArray().Select(w => (string?)w));
    }

    [Fact]
    public void A_process_no_table_lists_shows_the_streams_view_with_empty_groups_and_labels()
    {
        _board.Write([Item(NodeRecord.Started("web", 9, T0)), Item(NodeRecord.Ready("web", T0)), Item(NodeRecord.Exited("web", 1, null, T0.AddSeconds(1))),
            Item(NodeRecord.Restarting("web", 1, 500, T0.AddSeconds(1)))]);

        var web = Process(Nodes(), "n1", "web");

        Assert.Equal("restarting", (string?)web["state"]);
        Assert.False((bool)web["ready"]!);
        Assert.Equal(9, (int)web["pid"]!);
        Assert.Equal(1, (int)web["code"]!);
        Assert.Equal(1, (int)web["restarts"]!);
        Assert.Empty(web["groups"]!.AsArray());
        Assert.Equal("{}", web["labels"]!.ToJsonString());
        Assert.False((bool)web["stdin"]!);
        Assert.Equal("2026-12-05T01:00:00.000000Z", (string?)web["started_at"]);
        Assert.Equal("web", (string?)web["base"]);
    }

    [Fact]
    public void A_process_the_nodes_table_no_longer_lists_is_gone_though_the_stream_showed_it()
    {
        // web.2 was scaled away: the stream showed it run and exit, the node's table has dropped it.
        _board.Write([Item(NodeRecord.Started("web", 9, T0)), Item(NodeRecord.Started("web.2", 10, T0)),
            Item(NodeRecord.Exited("web.2", null, 15, T0.AddSeconds(1)))]);
        _directory.Update("n1", [Info("web")]);

        var nodes = Nodes();

        Assert.Equal(["web"], nodes["nodes"]![0]!["processes"]!.AsArray().Select(p => (string?)p!["proc"]));
    }

    private JsonNode Nodes()
    {
        var output = new ArrayBufferWriter<byte>();
        NodesEndpoint.Write(_board.Snapshot(), _directory, output);
        return JsonNode.Parse(output.WrittenSpan)!;
    }

    private static JsonNode Process(JsonNode nodes, string node, string process) =>
        nodes["nodes"]!.AsArray().Single(n => (string?)n!["node"] == node)!["processes"]!.AsArray().Single(p => (string?)p!["proc"] == process)!;

    private static OutputItem Item(NodeRecord record) => new("n1", record);

    private static NodeRecord Line(string process) => NodeRecord.Line(process, OutputStream.Stdout, 1, T0, "x"u8.ToArray(), continued: false);
}
