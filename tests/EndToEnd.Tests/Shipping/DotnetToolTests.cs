using System.IO.Compression;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// README's Install section, the .NET tool way: both executables packed, installed with dotnet tool install from
/// the folder the packages went to, and run from where the installation put them. --tool-path instead of
/// --global, so the machine's tools stay as they were; everything lives in a temporary folder, deleted afterwards.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class DotnetToolTests : IDisposable
{
    // A cold Release build of the two projects and everything they reference, on a loaded 2-core machine.
    private static readonly TimeSpan PackWithin = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan InstallWithin = TimeSpan.FromMinutes(2);
    private static readonly string[] Tools = ["chorus-node", "chorus-aggregator"];
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-tool-").FullName;

    [Fact]
    public async Task Both_packages_install_as_tools_that_carry_hocon_and_run()
    {
        var version = typeof(DotnetToolTests).Assembly.GetName().Version!.ToString(3);
        var artifacts = Path.Combine(_dir, "artifacts");
        var tools = Path.Combine(_dir, "tools");
        foreach (var project in new[] { "Node", "Aggregator" })
            await BuildCommand.RunAsync(Executables.RepositoryRoot, PackWithin, "dotnet",
                ["pack", Path.Combine("src", project, $"{project}.csproj"), "-o", artifacts, "-v", "q", "-nologo"]);

        foreach (var tool in Tools)
        {
            var package = Path.Combine(artifacts, $"{tool}.{version}.nupkg");
            using (var zip = ZipFile.OpenRead(package))
                foreach (var conf in Directory.GetFiles(Path.Combine(Executables.RepositoryRoot, "hocon"), "*.conf"))
                    Assert.Contains(zip.Entries, e => e.FullName == $"tools/net10.0/any/hocon/{Path.GetFileName(conf)}");
            // This package and no other: pinned to the version just packed, installed through a package folder of
            // its own, so neither a package of that name on nuget.org nor one left in the machine's cache from an
            // earlier build of the same version can stand in for it. The folder has all a tool needs (a tool
            // package has no dependencies), so an unreachable default feed does not fail the install.
            await BuildCommand.RunAsync(_dir, InstallWithin, "dotnet",
                ["tool", "install", "--tool-path", tools, "--add-source", artifacts, "--ignore-failed-sources", "--version", version, tool],
                new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages") });
        }

        using (var node = ChorusProcess.StartFile(Path.Combine(tools, "chorus-node"), null, _ => { }, "--version"))
        {
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.StartsWith($"{version}+", Assert.Single(node.Stdout));
        }

        // The aggregator reads hocon/ from beside itself: the installed copy, since it cannot start without it.
        var procfile = Path.Combine(_dir, "Procfile");
        File.WriteAllText(procfile, "hello: echo installed-tool-says-hello\n");
        using var aggregator = ChorusProcess.StartFile(Path.Combine(tools, "chorus-aggregator"), null, _ => { },
            "--procfile", procfile, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0");
        // The exit first: waiting for it drains stdout, and the echo may end the run before its line is collected.
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(aggregator.Stdout, l => l.EndsWith("/hello | installed-tool-says-hello", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
