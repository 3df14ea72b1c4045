using Chorus.Node.Spec;

namespace Chorus.Node.Processes;

/// <summary>
/// The environment foreman users expect their processes to see, on top of the node's own environment: the
/// entry's environment files may change the defaults (PYTHONUNBUFFERED), but not what names the process (PORT and
/// PS, as in foreman, and CHORUS_NODE, CHORUS_PROCESS).
/// </summary>
public static class ProcessEnvironment
{
    // foreman gives the first process PORT=5000, the next 5100, and so on.
    private const int BasePort = 5000;
    private const int PortStep = 100;

    public static IReadOnlyDictionary<string, string> For(ProcessSpec spec, int index, string node)
    {
        // Output into a pipe is block-buffered by default; this makes Python write line by line.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PYTHONUNBUFFERED"] = "1" };
        foreach (var (key, value) in spec.Environment) environment[key] = value;
        environment["PORT"] = (BasePort + PortStep * index).ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["PS"] = $"{spec.Name}.1";
        environment["CHORUS_NODE"] = node;
        environment["CHORUS_PROCESS"] = spec.Name;
        return environment;
    }
}
