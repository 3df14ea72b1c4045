using Akka.Actor;
using Chorus.Hosting;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Uplink;

namespace Chorus.Node;

/// <summary>
/// Starts a node's actors on an ActorSystem: the <see cref="NodeActor"/>, which starts the uplink and the
/// processes that feed it. Used by chorus-node, and by chorus-aggregator when it runs a Procfile itself (the
/// embedded default). The node's exit code comes back here: whoever started it ends the process.
/// </summary>
public sealed class NodeHost
{
    private readonly IActorRef _node;
    private readonly TaskCompletionSource<int> _exitCode;

    private NodeHost(IActorRef node, TaskCompletionSource<int> exitCode)
    {
        _node = node;
        _exitCode = exitCode;
    }

    /// <summary>Completes with the node's exit code once every process has finished and the uplink drained (or the node was refused).</summary>
    public Task<int> ExitCode => _exitCode.Task;

    /// <param name="token">The shared token every join carries; "" when there is none (no default, so no caller forgets it).</param>
    /// <param name="wireVersion">The wire version every join carries: <see cref="Messages.WireVersion.Current"/> but in tests of the refusal.</param>
    /// <param name="tasks">Whether it runs tasks (--allow-run) and the labels its joins carry (--label).</param>
    public static NodeHost Start(ActorSystem system, string name, IReadOnlyList<ProcessSpec> processes,
        string aggregatorPath, NodeSettings settings, MonotonicClock clock, string token, int wireVersion, TaskAgent tasks)
    {
        // Refused before anything starts: a spool directory of another user would hand it every line.
        if (settings.SpoolMaxBytes > 0) SpoolLocation.Prepare(SpoolLocation.For(name, settings.SpoolDirectory));
        // Random per start, so a restarted node's batch numbers are never taken for repeats of the last run's
        // (unless its spool resumes the last run: see Outbox).
        var incarnation = Random.Shared.NextInt64(1, long.MaxValue);
        var uplink = UplinkActor.Props(name, incarnation, aggregatorPath, clock, settings, token, wireVersion, tasks.Labels);
        var exitCode = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Before the join, not after it with the processes already writing (PipeReadingWarmUp says why).
        if (processes.Count > 0) PipeReadingWarmUp.Run(system, settings, TimeSpan.FromSeconds(2));
        var node = system.ActorOf(NodeActor.Props(name, processes, uplink,
            (spec, instance, index, firstSeq, to) => ProcessActor.Props(spec, instance, index, firstSeq, name, to, settings), settings, exitCode, tasks.AllowRun), "node");
        return new NodeHost(node, exitCode);
    }

    public void Stop() => _node.Tell(new NodeActor.StopProcesses());

    public void Kill() => _node.Tell(new NodeActor.KillProcesses());
}
