using Chorus.Node.Procfile;

namespace Chorus.Node.Processes;

/// <summary>
/// The environment foreman users expect their processes to see, on top of the node's own environment.
/// </summary>
public static class ProcessEnvironment
{
    // foreman gives the first process PORT=5000, the next 5100, and so on.
    private const int BasePort = 5000;
    private const int PortStep = 100;

    public static IReadOnlyDictionary<string, string> For(ProcfileEntry entry, int index, string node) => new Dictionary<string, string>
    {
        ["PORT"] = (BasePort + PortStep * index).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PS"] = $"{entry.Name}.1",
        // Output into a pipe is block-buffered by default; these make common runtimes write line by line.
        ["PYTHONUNBUFFERED"] = "1",
        ["CHORUS_NODE"] = node,
        ["CHORUS_PROCESS"] = entry.Name,
    };
}
