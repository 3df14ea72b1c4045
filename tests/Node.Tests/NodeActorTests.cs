using Akka.Actor;
using Akka.TestKit;
using Chorus.Hosting;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests;

/// <summary>The node's stop order and exit code, with probes in the place of its uplink and process actors.</summary>
public sealed class NodeActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(500);
    private readonly TestProbe _uplink;
    private readonly Dictionary<string, TestProbe> _processes = new();
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IActorRef _node;
    // The uplink each process was given to feed.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IActorRef> _fed = new();

    public NodeActorTests()
    {
        _uplink = CreateTestProbe();
        foreach (var name in new[] { "web", "worker" }) _processes[name] = CreateTestProbe();
        var settings = TestNodeSettings.With($"chorus.node {{ stop-grace = {StopGrace.TotalMilliseconds}ms }}");
        var entries = _processes.Keys.Select((name, i) => new ProcessSpec(name, "true", "test")).ToList();
        _node = Sys.ActorOf(NodeActor.Props("node-a", entries, ProbeActors.Forwarding(_uplink.Ref), (entry, _, _, _, uplink) =>
        {
            _fed[entry.Name] = uplink;
            return ProbeActors.Forwarding(_processes[entry.Name].Ref);
        }, settings, _exitCode, allowRun: false), "node");
        _node.Tell(UplinkActor.Joined.Instance, _uplink.Ref);
        // Every instance has started its run: a message to it by path now finds it.
        AwaitCondition(() => _fed.Count == 2);
    }

    [Fact]
    public async Task Every_process_feeds_the_uplink_the_node_started_as_its_child()
    {
        await AwaitConditionAsync(() => Task.FromResult(_fed.Count == 2));

        Assert.All(_fed.Values, uplink => Assert.Equal(_node.Path / "uplink", uplink.Path));
    }

    [Fact]
    public async Task A_stop_sends_SIGTERM_to_every_group_and_SIGKILL_after_the_grace_period()
    {
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        _node.Tell(new NodeActor.StopProcesses());

        foreach (var process in _processes.Values)
            Assert.Equal(Signals.Term, (await process.ExpectMsgAsync<ProcessActor.SendSignal>()).Signal);
        foreach (var process in _processes.Values)
            Assert.Equal(Signals.Kill, (await process.ExpectMsgAsync<ProcessActor.SendSignal>(StopGrace * 4)).Signal);
        Assert.True(stopped.Elapsed >= StopGrace * 0.9, $"SIGKILL came {stopped.Elapsed.TotalMilliseconds} ms after the stop");
    }

    [Fact]
    public async Task Once_every_process_has_finished_the_groups_are_ended_then_the_uplink_drained_and_the_first_failure_is_the_exit_code()
    {
        Finish("worker", exitCode: 3);
        await _processes["worker"].ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // "web" still runs: nothing is ended yet
        Finish("web", exitCode: null, signal: 9);

        await EndGroups();
        await _uplink.FishForMessageAsync<UplinkActor.Drain>(_ => true);
        _uplink.Reply(new UplinkActor.Drained(0, SpooledRecords: 0));

        Assert.Equal(3, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_process_killed_by_a_signal_passes_on_128_plus_the_signal()
    {
        Finish("web", exitCode: null, signal: 9);
        Finish("worker", exitCode: 0);

        await EndGroups();
        await _uplink.FishForMessageAsync<UplinkActor.Drain>(_ => true);
        _uplink.Reply(new UplinkActor.Drained(0, SpooledRecords: 0));

        Assert.Equal(128 + 9, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Exits_the_node_caused_by_stopping_are_not_failures()
    {
        _node.Tell(new NodeActor.StopProcesses());
        Finish("web", exitCode: null, signal: Signals.Term);
        Finish("worker", exitCode: 143);

        await EndGroups();
        await _uplink.FishForMessageAsync<UplinkActor.Drain>(_ => true);
        _uplink.Reply(new UplinkActor.Drained(0, SpooledRecords: 0));

        Assert.Equal(ExitCodes.Success, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Lines_left_unacknowledged_by_the_drain_exit_with_undelivered()
    {
        Finish("web", exitCode: 0);
        Finish("worker", exitCode: 0);

        await EndGroups();
        await _uplink.FishForMessageAsync<UplinkActor.Drain>(_ => true);
        _uplink.Reply(new UplinkActor.Drained(UndeliveredRecords: 12, SpooledRecords: 12));

        Assert.Equal(ExitCodes.Undelivered, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_refusal_stops_every_process_and_exits_with_refused_without_draining()
    {
        _uplink.Send(_node, new UplinkActor.Refused("akka.tcp://chorus@aggregator:7000/user/ingest", "its token does not match"));

        foreach (var process in _processes.Values)
            Assert.Equal(Signals.Term, (await process.ExpectMsgAsync<ProcessActor.SendSignal>()).Signal);
        Finish("web", exitCode: null, signal: Signals.Term);
        Finish("worker", exitCode: null, signal: Signals.Term);
        await EndGroups();

        Assert.Equal(ExitCodes.Refused, await _exitCode.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        // Nothing would be accepted: no drain (tables may still go out).
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.DoesNotContain(_uplink.ReceiveWhile<object>(TimeSpan.Zero, m => m), m => m is UplinkActor.Drain);
    }

    // To the process's instance actor, the parent of the probe's stand-in.
    private void Finish(string process, int? exitCode, int? signal = null) =>
        Sys.ActorSelection(_node.Path / $"{process}-*").Tell(new ProcessActor.Finished(process, exitCode, signal, 1), _processes[process].Ref);

    /// <summary>Every process is told to end its group, and answers that it has.</summary>
    private async Task EndGroups()
    {
        foreach (var (name, process) in _processes)
        {
            await process.FishForMessageAsync<ProcessActor.EndGroup>(_ => true);
            process.Reply(new ProcessActor.GroupEnded(name));
        }
    }
}
