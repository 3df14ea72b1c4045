namespace Chorus.Node.Uplink;

/// <summary>Where a node spools when --spool is not given: per node name, so two nodes on one host never share files.</summary>
public static class SpoolLocation
{
    public static string For(string node, string? configured)
    {
        if (!string.IsNullOrEmpty(configured)) return configured;
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(state)
            ? Path.Combine(Path.GetTempPath(), $"chorus-spool-{node}")
            : Path.Combine(state, "chorus", "spool", node);
    }
}
