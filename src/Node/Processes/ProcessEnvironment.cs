using System.Globalization;
using Chorus.Node.Spec;

namespace Chorus.Node.Processes;

/// <summary>
/// The environment foreman users expect their processes to see, on top of the node's own environment: the
/// entry's environment files may change the defaults (PYTHONUNBUFFERED), but not what names the process (PORT and
/// PS, as in foreman, and CHORUS_NODE, CHORUS_PROCESS).
/// </summary>
public static class ProcessEnvironment
{
    // foreman: PORT = 5000 + 100 * (the process's place in the Procfile) + (the replica's number - 1).
    private const int BasePort = 5000;
    private const int PortStep = 100;

    /// <param name="instance">The spec's name, or NAME.N for replica N (README, "Replicas and scale").</param>
    /// <param name="index">The spec's place among the node's processes, from 0.</param>
    public static IReadOnlyDictionary<string, string> For(ProcessSpec spec, string instance, int index, string node)
    {
        var replica = ReplicaOf(spec, instance);
        // Output into a pipe is block-buffered by default; this makes Python write line by line.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PYTHONUNBUFFERED"] = "1" };
        foreach (var (key, value) in spec.Environment) environment[key] = value;
        environment["PORT"] = (BasePort + PortStep * index + replica - 1).ToString(CultureInfo.InvariantCulture);
        environment["PS"] = $"{spec.Name}.{replica.ToString(CultureInfo.InvariantCulture)}";
        environment["CHORUS_NODE"] = node;
        environment["CHORUS_PROCESS"] = instance;
        return environment;
    }

    // A single instance is named NAME (foreman calls it NAME.1); replica N is NAME.N.
    private static int ReplicaOf(ProcessSpec spec, string instance) =>
        instance.Length > spec.Name.Length + 1 && instance.StartsWith(spec.Name + ".", StringComparison.Ordinal)
        && int.TryParse(instance.AsSpan(spec.Name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : 1;
}
