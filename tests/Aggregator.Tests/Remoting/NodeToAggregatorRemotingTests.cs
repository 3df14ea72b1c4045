using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node;
using Chorus.Node.Procfile;

namespace Chorus.Aggregator.Tests.Remoting;

/// <summary>A real node system and a real aggregator system, talking Akka.Remote over loopback.</summary>
public sealed class NodeToAggregatorRemotingTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
{
    [Fact]
    public async Task A_remote_nodes_lines_and_events_reach_the_merged_stream_in_order()
    {
        var sink = CreateTestProbe();
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], Support.TestSettings.Aggregator()), "merge");
        Sys.ActorOf(IngestActor.Props(merge, Support.TestSettings.Aggregator()), "ingest");
        var aggregator = RemoteSystem.BoundAddress(Sys);

        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");
        using var nodeSystem = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
        var host = NodeHost.Start(nodeSystem, "remote-node", [new ProcfileEntry("p", "printf 'one\\ntwo\\n'; printf 'three\\n' >&2", 1)],
            AggregatorAddress.IngestPath(aggregator), NodeSettings.From(nodeConfig), new MonotonicClock());

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
}
