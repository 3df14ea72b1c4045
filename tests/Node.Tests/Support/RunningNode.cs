using Akka.Actor;
using Akka.TestKit;
using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Support;

/// <summary>
/// A <see cref="NodeActor"/> running real processes, with a probe in the place of its uplink that takes their
/// lines at once (as the real uplink answers <see cref="ProcessActor.LinesRead"/>) and keeps every message.
/// </summary>
public sealed class RunningNode
{
    private long _nextId;

    private RunningNode(IActorRef node, TestProbe uplink, TaskCompletionSource<int> exitCode)
    {
        Node = node;
        Uplink = uplink;
        ExitCode = exitCode;
    }

    public IActorRef Node { get; }
    public TestProbe Uplink { get; }
    public TaskCompletionSource<int> ExitCode { get; }

    public static RunningNode Start(Akka.TestKit.Xunit2.TestKit kit, string settings, params ProcessSpec[] specs) =>
        Start(kit, settings, allowRun: false, specs);

    /// <param name="allowRun">--allow-run: whether it runs tasks.</param>
    public static RunningNode Start(Akka.TestKit.Xunit2.TestKit kit, string settings, bool allowRun, params ProcessSpec[] specs)
    {
        var uplink = kit.CreateTestProbe();
        uplink.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is ProcessActor.LinesRead) sender.Tell(ProcessActor.LinesAppended.Instance);
            return AutoPilot.KeepRunning;
        }));
        var nodeSettings = TestNodeSettings.With(settings);
        var exitCode = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = kit.Sys.ActorOf(NodeActor.Props("node-a", specs, ProbeActors.Forwarding(uplink.Ref),
            (spec, instance, index, firstSeq, to) => ProcessActor.Props(spec, instance, index, firstSeq, "node-a", to, nodeSettings),
            nodeSettings, exitCode, allowRun));
        // As the real uplink does once it has joined: the processes start.
        node.Tell(UplinkActor.Joined.Instance, uplink.Ref);
        return new RunningNode(node, uplink, exitCode);
    }

    /// <summary>The next message of type <typeparamref name="T"/> the uplink got that <paramref name="matches"/>, skipping others.</summary>
    public async Task<T> Next<T>(Func<T, bool>? matches = null, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = await Uplink.ReceiveOneAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero)
                ?? throw new TimeoutException($"no {typeof(T).Name} came; the uplink got: {string.Join(", ", Seen)}");
            lock (_seen) _seen.Add(message);
            if (message is T t && (matches?.Invoke(t) ?? true)) return t;
        }
    }

    /// <summary>The first message of type <typeparamref name="T"/> that <paramref name="matches"/>, among those looked at already or still to come.</summary>
    public async Task<T> SeenOrNext<T>(Func<T, bool> matches) where T : class =>
        Seen.OfType<T>().FirstOrDefault(matches) ?? await Next(matches);

    private readonly List<object> _seen = new();

    /// <summary>Every message the uplink got that a <see cref="Next{T}"/> looked at, in order.</summary>
    public IReadOnlyList<object> Seen
    {
        get
        {
            lock (_seen) return _seen.ToArray();
        }
    }

    /// <summary>Asks the node for a verb as the aggregator would, and returns its answer.</summary>
    public async Task<IReadOnlyList<ActionResult>> Act(ControlVerb verb, string selector, string argument = "")
    {
        var id = Interlocked.Increment(ref _nextId);
        Uplink.Send(Node, new UplinkActor.ControlRequested(new ControlRequest(id, verb, selector, argument, "session")));
        return (await Next<UplinkActor.Answer>(a => a.Id == id)).Results;
    }

    /// <summary>Asks the node to run a task as the aggregator would, and returns its answer.</summary>
    public async Task<ActionResult> RunTask(string process, string command)
    {
        var id = Interlocked.Increment(ref _nextId);
        Uplink.Send(Node, new UplinkActor.TaskRequested(new Messages.Control.RunTask(id, process, command, "session")));
        return Assert.Single((await Next<UplinkActor.Answer>(a => a.Id == id)).Results);
    }

    /// <summary>The first table that <paramref name="matches"/>.</summary>
    public async Task<IReadOnlyList<ProcessInfo>> Table(Func<IReadOnlyList<ProcessInfo>, bool> matches) =>
        (await Next<UplinkActor.PublishTable>(t => matches(t.Processes))).Processes;

    /// <summary>Drains as a real uplink with nothing left would, then the exit code.</summary>
    public async Task<int> Exited(TimeSpan? within = null)
    {
        await Next<UplinkActor.Drain>(within: within);
        Uplink.Reply(new UplinkActor.Drained(0, 0));
        return await ExitCode.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
