namespace Chorus.Tests.Support;

/// <summary>Where the built executables are: src/PROJECT/bin/CONFIGURATION/net10.0, next to this test's own build.</summary>
public static class Executables
{
    // AppContext.BaseDirectory is tests/EndToEnd.Tests/bin/CONFIGURATION/TFM/
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The repository's top folder, for files the README tells people to run (examples/...).</summary>
    public static string RepositoryRoot => Output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    public static string PathOf(string executable)
    {
        var project = executable == "chorus-node" ? "Node" : "Aggregator";
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", Output.Parent!.Name, Output.Name, executable);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; run dotnet build Cluster.sln first.");
    }
}
