namespace Chorus.Tests.Support;

/// <summary>Where the built executables are: src/PROJECT/bin/CONFIGURATION/net10.0, next to this test's own build.</summary>
public static class Executables
{
    public static string PathOf(string executable)
    {
        // AppContext.BaseDirectory is tests/EndToEnd.Tests/bin/CONFIGURATION/TFM/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration, root) = (output.Name, output.Parent!.Name, output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName);
        var project = executable == "chorus-node" ? "Node" : "Aggregator";
        var path = Path.Combine(root, "src", project, "bin", configuration, framework, executable);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; run dotnet build Cluster.sln first.");
    }
}
