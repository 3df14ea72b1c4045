using System.Reflection;

namespace Chorus.Hosting;

/// <summary>
/// This build's version and commit, "0.1.0+1a2b3c4" ("+unknown" when built without git), as --version prints it:
/// both are set at build time (Directory.Build.props). A node sends it with its join; the aggregator names it in refusals.
/// </summary>
public static class ChorusVersion
{
    public static string Text { get; } =
        typeof(ChorusVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
}
