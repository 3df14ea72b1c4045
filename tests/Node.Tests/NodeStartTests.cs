using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using Chorus.Hosting;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests;

/// <summary>
/// When a node's processes start: once its uplink has joined, so that their first lines are stamped after the
/// aggregator knows the node (README, "The ordering guarantee"), or after wait-for-join without a join.
/// </summary>
public sealed class NodeStartTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _uplink;
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The instances started so far, by name.
    private readonly ConcurrentDictionary<string, bool> _started = new();

    public NodeStartTests() => _uplink = CreateTestProbe();

    [Fact]
    public async Task The_processes_start_once_the_uplink_has_joined()
    {
        var node = Start("chorus.node.wait-for-join = 60s");

        // The node publishes its table at start (tasks need one from a node with nothing to run); nothing else comes.
        var table = await _uplink.ExpectMsgAsync<UplinkActor.PublishTable>();
        Assert.Empty(table.Processes);
        await _uplink.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Empty(_started);
        node.Tell(UplinkActor.Joined.Instance, _uplink.Ref);

        await AwaitConditionAsync(() => Task.FromResult(_started.Count == 2), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_a_join_the_processes_start_after_wait_for_join()
    {
        Start("chorus.node.wait-for-join = 200ms");

        await AwaitConditionAsync(() => Task.FromResult(_started.Count == 2), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_node_stopped_before_its_join_starts_nothing_and_ends()
    {
        var node = Start("chorus.node.wait-for-join = 60s");

        node.Tell(new NodeActor.StopProcesses());
        await _uplink.FishForMessageAsync<UplinkActor.Drain>(_ => true);
        _uplink.Reply(new UplinkActor.Drained(0, SpooledRecords: 0));
        Assert.Equal(ExitCodes.Success, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));

        node.Tell(UplinkActor.Joined.Instance, _uplink.Ref);
        await _uplink.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Empty(_started);
    }

    [Fact]
    public async Task A_refused_join_starts_nothing_and_exits_with_refused()
    {
        var node = Start("chorus.node.wait-for-join = 60s");

        _uplink.Send(node, new UplinkActor.Refused("akka.tcp://chorus@aggregator:7000/user/ingest", "its token does not match"));

        Assert.Equal(ExitCodes.Refused, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(_started);
    }

    private IActorRef Start(string settings)
    {
        var specs = new[] { new ProcessSpec("web", "true", "test"), new ProcessSpec("worker", "true", "test") };
        return Sys.ActorOf(NodeActor.Props("node-a", specs, ProbeActors.Forwarding(_uplink.Ref), (spec, instance, _, _, _) =>
        {
            _started[instance] = true;
            return ProbeActors.Forwarding(CreateTestProbe().Ref);
        }, TestNodeSettings.With(settings), _exitCode, allowRun: false));
    }
}
