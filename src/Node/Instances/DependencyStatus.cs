using Chorus.Messages.Control;
using Chorus.Node.Spec;

namespace Chorus.Node.Instances;

/// <summary>
/// Which of a process's dependencies do not hold yet (README, "Dependencies"). A dependency names a spec, so it
/// holds when every instance of that spec does (all replicas of <c>db</c>, not just one): a dependent starts only
/// once the whole dependency is up. A remote one ("db@n1") is judged from what the aggregator last said of node n1.
/// <list type="bullet">
/// <item>started: it has started at least once (it may have ended since).</item>
/// <item>ready: it runs and its readiness holds.</item>
/// <item>completed: it exited and will not restart; completed-successfully: with exit code 0.</item>
/// </list>
/// </summary>
public static class DependencyStatus
{
    /// <summary>The dependencies not met, each as "PROCESS[@NODE] CONDITION" (what <see cref="ProcessInfo.WaitingFor"/> carries).</summary>
    public static IReadOnlyList<string> Unmet(IReadOnlyList<Dependency> dependsOn, IReadOnlyList<ProcessInfo> local, IReadOnlyList<NodeProcess> remote) =>
        dependsOn.Where(d => !Holds(d, Instances(d, local, remote))).Select(Describe).ToArray();

    /// <summary>The remote dependencies no node reports at all (they may yet appear, until dependency-wait ends).</summary>
    public static IReadOnlyList<Dependency> Missing(IReadOnlyList<Dependency> dependsOn, IReadOnlyList<NodeProcess> remote) =>
        dependsOn.Where(d => d.Node is not null && Instances(d, [], remote).Count == 0).ToArray();

    /// <summary>
    /// The local dependencies that do not hold and never will by themselves: every instance has ended for good
    /// (exited without a restart to come, or given up), so only a verb could bring them back.
    /// </summary>
    public static IReadOnlyList<Dependency> EndedForGood(IReadOnlyList<Dependency> dependsOn, IReadOnlyList<ProcessInfo> local) =>
        dependsOn.Where(d => d.Node is null && Instances(d, local, []) is { Count: > 0 } instances && !Holds(d, instances) &&
                             instances.All(p => p.State is ProcessState.Exited or ProcessState.GivenUp)).ToArray();

    /// <summary>"db@n1 ready", "migrate completed-successfully".</summary>
    public static string Describe(Dependency dependency) => $"{dependency} {ConditionName(dependency.Condition)}";

    public static string ConditionName(DependencyCondition condition) => condition switch
    {
        DependencyCondition.Started => "started",
        DependencyCondition.Ready => "ready",
        DependencyCondition.Completed => "completed",
        DependencyCondition.CompletedSuccessfully => "completed-successfully",
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, null),
    };

    private static List<ProcessInfo> Instances(Dependency dependency, IReadOnlyList<ProcessInfo> local, IReadOnlyList<NodeProcess> remote) =>
        dependency.Node is null
            ? local.Where(p => p.Base == dependency.Process).ToList()
            : remote.Where(r => r.Node == dependency.Node && r.Process.Base == dependency.Process).Select(r => r.Process).ToList();

    private static bool Holds(Dependency dependency, List<ProcessInfo> instances) =>
        instances.Count > 0 && instances.All(p => Holds(dependency.Condition, p));

    private static bool Holds(DependencyCondition condition, ProcessInfo process) => condition switch
    {
        DependencyCondition.Started => process.StartedAt != default,
        DependencyCondition.Ready => process.State == ProcessState.Running && process.Ready,
        DependencyCondition.Completed => process.State == ProcessState.Exited && process.StartedAt != default,
        DependencyCondition.CompletedSuccessfully => process.State == ProcessState.Exited && process.ExitCode == 0,
        _ => false,
    };
}
