using System.Text;
using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Aggregator.Tests.Scenarios;

/// <summary>Real node runs, each in its own ActorSystem, joining over Akka.Remote, one after another.</summary>
public sealed class ShortLivedNodesTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name)
{
    [Fact]
    public async Task Ten_short_lived_nodes_with_different_names_one_after_another_are_all_accepted_under_max_nodes_5()
    {
        var sink = CreateTestProbe();
        var settings = Support.TestSettings.Aggregator("chorus.aggregator.max-nodes = 5");
        var merge = Sys.ActorOf(MergeActor.Props([sink.Ref], settings), "merge");
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), Support.TestSettings.NothingPending(), settings, token: null), "ingest");
        var ingest = AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys));
        var nodeConfig = HoconFiles.Load("node.conf", "wire.conf");

        for (var i = 0; i < 10; i++)
        {
            using var system = ActorSystem.Create(RemoteSystem.Name, nodeConfig);
            var host = NodeHost.Start(system, $"job-{i}", [new ProcessSpec("p", $"echo done {i}", "test")], ingest, NodeSettings.From(nodeConfig), new MonotonicClock(), token: "", wireVersion: WireVersion.Current, TaskAgent.None);
            Assert.Equal(0, await host.ExitCode.WaitAsync(TimeSpan.FromSeconds(30))); // a refused node exits 6
            await system.Terminate();
        }

        var lines = new List<string>();
        await AwaitAssertAsync(() =>
        {
            while (sink.HasMessages)
                lines.AddRange(sink.ExpectMsg<OutputChunk>().Items.Where(i => i.Record.Kind == RecordKind.Line).Select(i => Encoding.UTF8.GetString(i.Record.Text.Span)));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"done {i}"), lines);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
    }
}
