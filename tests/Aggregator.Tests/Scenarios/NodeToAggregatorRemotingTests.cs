using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Aggregator.Tests.Scenarios;

/// <summary>A real node system and a real aggregator system, talking Akka.Remote over loopback.</summary>
public sealed class NodeToAggregatorRemotingTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
{
    [Fact]
    public async Task A_remote_nodes_lines_and_events_reach_the_merged_stream_in_order()
    {
        var sink = CreateTestProbe();
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], Support.TestSettings.Aggregator()), "merge");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), Support.TestSettings.NothingPending(), Support.TestSettings.Aggregator(), token: null), "ingest");
        var aggregator = RemoteSystem.BoundAddress(Sys);

        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var nodeSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var host = NodeHost.Start(nodeSystem, "remote-node", [new ProcessSpec("p", "printf 'one\\ntwo\\n'; printf 'three\\n' >&2", "test")],
            AggregatorAddress.IngestPath(aggregator, RemoteSystem.Protocol(Sys)), NodeSettings.From(nodeConfig), new MonotonicClock(), token: "", wireVersion: WireVersion.Current, TaskAgent.None);

        var seen = new List<OutputItem>();
        await AwaitAssertAsync(() =>
        {
            while (sink.HasMessages) seen.AddRange(sink.ExpectMsg<OutputChunk>().Items);
            Assert.Contains(seen, i => i.Record.Kind == RecordKind.NodeDown);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));

        Assert.Equal(0, await host.ExitCode);
        Assert.All(seen, i => Assert.Equal("remote-node", i.Node));
        var lines = seen.Where(i => i.Record.Kind == RecordKind.Line).ToList();
        Assert.Equal(["one", "two"], lines.Where(i => i.Record.Stream == OutputStream.Stdout).Select(i => Encoding.UTF8.GetString(i.Record.Text.Span)));
        Assert.Equal(["three"], lines.Where(i => i.Record.Stream == OutputStream.Stderr).Select(i => Encoding.UTF8.GetString(i.Record.Text.Span)));
        Assert.Equal([1L, 2, 3], lines.Select(i => i.Record.Seq)); // seq is the order the node read them in
        Assert.Equal(["node-up", "started", "line", "line", "line", "exited", "node-down"],
            seen.Select(i => i.Record.Kind == RecordKind.Line ? "line" : JsonFormatter.EventName(i.Record.Kind)));
        await nodeSystem.Terminate();
    }

    [Fact]
    public async Task A_node_joining_while_another_writes_has_none_of_its_lines_marked_late()
    {
        // Before: the joining node's first lines were stamped before the aggregator knew it (older than the other
        // node's lines already written), and placed on the join's one-way clock guess: they, or the other's, came out late.
        var sink = CreateTestProbe();
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], Support.TestSettings.Aggregator()), "merge");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), Support.TestSettings.NothingPending(), Support.TestSettings.Aggregator(), token: null), "ingest");
        var ingest = AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys));
        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        const string writeLines = "i=0; while [ $i -lt {0} ]; do echo {1}$i; i=$((i+1)); sleep 0.01; done";

        using var first = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var a = NodeHost.Start(first, "a", [new ProcessSpec("p", string.Format(writeLines, 300, "a"), "test")], ingest,
            NodeSettings.From(nodeConfig), new MonotonicClock(), token: "", wireVersion: WireVersion.Current, TaskAgent.None);
        var seen = new List<OutputItem>();
        await AwaitAssertAsync(() =>
        {
            while (sink.HasMessages) seen.AddRange(sink.ExpectMsg<OutputChunk>().Items);
            Assert.Contains(seen, i => i.Node == "a" && i.Record.Kind == RecordKind.Line);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
        using var second = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var b = NodeHost.Start(second, "b", [new ProcessSpec("p", string.Format(writeLines, 100, "b"), "test")], ingest,
            NodeSettings.From(nodeConfig), new MonotonicClock(), token: "", wireVersion: WireVersion.Current, TaskAgent.None);

        await Task.WhenAll(a.ExitCode, b.ExitCode).WaitAsync(TimeSpan.FromSeconds(30));
        await AwaitAssertAsync(() =>
        {
            while (sink.HasMessages) seen.AddRange(sink.ExpectMsg<OutputChunk>().Items);
            Assert.Equal(2, seen.Count(i => i.Record.Kind == RecordKind.NodeDown));
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));

        var lines = seen.Where(i => i.Record.Kind == RecordKind.Line).ToList();
        Assert.Equal((300, 100), (lines.Count(i => i.Node == "a"), lines.Count(i => i.Node == "b")));
        Assert.Empty(lines.Where(i => i.Late).Select(i => $"{i.Node}: {Encoding.UTF8.GetString(i.Record.Text.Span)}"));
        await Task.WhenAll(first.Terminate(), second.Terminate());
    }

    [Fact]
    public async Task A_node_of_a_wire_version_the_aggregator_cannot_read_is_refused_over_the_wire_and_exits_6()
    {
        var sink = CreateTestProbe();
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], Support.TestSettings.Aggregator()), "merge");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), Support.TestSettings.NothingPending(), Support.TestSettings.Aggregator(), token: null), "ingest");

        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var nodeSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var host = NodeHost.Start(nodeSystem, "later-node", [new ProcessSpec("p", "sleep 30", "test")],
            AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys)), NodeSettings.From(nodeConfig), new MonotonicClock(),
            token: "", wireVersion: WireVersion.Current + 1, TaskAgent.None);

        Assert.Equal(ExitCodes.Refused, await host.ExitCode.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(sink.HasMessages); // never reported up
        await nodeSystem.Terminate();
    }

    [Fact]
    public async Task A_node_whose_clock_is_5_seconds_ahead_still_takes_its_place_in_time()
    {
        var sink = CreateTestProbe();
        var settings = Support.TestSettings.Aggregator("chorus.aggregator.clock-probe-interval = 200ms");
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], settings), "merge");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), Support.TestSettings.NothingPending(), settings, token: null), "ingest");
        var ingest = AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys));

        // Lines alternate between the two nodes every second, in real time, from a moment both share: each node starts
        // its process once it has joined, and under load one join may come seconds after the other.
        var go = Path.Combine(Path.GetTempPath(), $"chorus-clock-go-{Guid.NewGuid():N}");
        // Bounded (about 30 s), so that a failed test leaves no process polling.
        var waitForGo = $"i=0; while [ ! -e {go} ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done";
        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var honest = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        using var skewed = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var first = NodeHost.Start(honest, "honest", [new ProcessSpec("p", $"{waitForGo}; sleep 1; echo a1; sleep 2; echo a2; sleep 2; echo a3", "test")],
            ingest, NodeSettings.From(nodeConfig), new MonotonicClock(), token: "", wireVersion: WireVersion.Current, TaskAgent.None);
        var second = NodeHost.Start(skewed, "skewed", [new ProcessSpec("p", $"{waitForGo}; sleep 2; echo b1; sleep 2; echo b2; sleep 2; echo b3", "test")],
            ingest, NodeSettings.From(nodeConfig), new SkewedClock(TimeSpan.FromSeconds(5)), token: "", wireVersion: WireVersion.Current, TaskAgent.None);

        var items = new List<OutputItem>();
        void Take()
        {
            while (sink.HasMessages) items.AddRange(sink.ExpectMsg<OutputChunk>().Items);
        }
        await AwaitAssertAsync(() =>
        {
            Take();
            Assert.Equal(["honest", "skewed"], items.Where(i => i.Record.Kind == RecordKind.Started).Select(i => i.Node).Order());
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        await File.WriteAllTextAsync(go, "");
        var lines = new List<OutputItem>();
        try
        {
            await AwaitAssertAsync(() =>
            {
                Take();
                lines = items.Where(i => i.Record.Kind == RecordKind.Line).ToList();
                Assert.Equal(6, lines.Count);
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        }
        finally
        {
            File.Delete(go);
        }

        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "b3"], lines.Select(i => Encoding.UTF8.GetString(i.Record.Text.Span)));
        var skewedLine = lines.First(i => i.Node == "skewed");
        Assert.InRange(skewedLine.Record.Timestamp - skewedLine.CorrectedTimestamp, TimeSpan.FromSeconds(4.9), TimeSpan.FromSeconds(5.1));
        Assert.All(lines, i => Assert.False(i.Late));
        await Task.WhenAll(first.ExitCode, second.ExitCode);
        await Task.WhenAll(honest.Terminate(), skewed.Terminate());
    }
}
