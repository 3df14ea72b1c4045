using System.Diagnostics;
using Chorus.EndToEnd.Tests.Failures;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// README's deployment guide, followed with the published linux-x64 executables: the tarball unpacked on each
/// "host", a token and certificates from examples/make-test-certs.sh, an aggregator and three nodes with the
/// guide's flags (port 0 where the guide says 4053), and no .NET for any of them: dotnet is not on their PATH
/// and no DOTNET_* variable is set. Each node is a host of its own (a network namespace); the aggregator's host
/// is the root namespace, since this machine does not route between namespaces, and the nodes reach it at one
/// of its addresses through their default route.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class DeploymentGuideTests(PublishedExecutables published, ITestOutputHelper output) : IClassFixture<PublishedExecutables>, IDisposable
{
    private static readonly string[] Nodes = ["web-1", "web-2", "web-3"];
    private readonly string _dir = Directory.CreateTempSubdirectory("chorus-guide-").FullName;

    [NetworkNamespaceFact]
    public async Task Three_nodes_on_three_hosts_reach_the_aggregator_with_a_token_and_TLS_and_no_dotnet()
    {
        var hosts = Nodes.Select((_, i) => NetworkNamespace.Create(subnet: 41 + i)).ToList();
        var processes = new List<ChorusProcess>();
        try
        {
            foreach (var host in hosts) host.RouteThroughHost();
            var address = hosts[0].HostAddress;

            // Once, on the machine that made the release: a token and certificates.
            Run(_dir, "openssl rand -hex 32 > chorus.token");
            Run(_dir, $"{Path.Combine(Executables.RepositoryRoot, "examples", "make-test-certs.sh")} certs {address} {string.Join(' ', Nodes)}");

            // Each host: the tarball unpacked, the token, ca.pem and its own certificate and key beside it.
            var (folder, tarball) = await published.ReleaseAsync();
            var release = Path.GetFileName(folder);
            string Host(string name, params string[] certificates)
            {
                var home = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
                Run(home, $"tar xzf {tarball}");
                Run(home, $"cp ../chorus.token ../certs/ca.pem {string.Join(' ', certificates.Select(c => "../certs/" + c))} .");
                return home;
            }

            var aggregatorHome = Host("aggregator", "aggregator.pem", "aggregator-key.pem");
            string[] Tls(string home, string name) =>
                ["--token-file", In(home, "chorus.token"), "--tls-cert", In(home, $"{name}.pem"), "--tls-key", In(home, $"{name}-key.pem"), "--tls-ca", In(home, "ca.pem")];
            var aggregator = StartWithoutDotnet(null, In(aggregatorHome, release, "chorus-aggregator"),
                ["--listen", $"{address}:0", "--http", $"{address}:0", .. Tls(aggregatorHome, "aggregator")]);
            processes.Add(aggregator);
            var (join, watch) = await aggregator.WaitForAddressesAsync();

            for (var i = 0; i < Nodes.Length; i++)
            {
                var home = Host(Nodes[i], $"{Nodes[i]}.pem", $"{Nodes[i]}-key.pem");
                // What a host without .NET says of it, then a process that keeps running like a service would.
                File.WriteAllText(In(home, "Procfile"),
                    "hello: echo \"dotnet: $(command -v dotnet || echo none), DOTNET_ROOT: ${DOTNET_ROOT:-unset}\"; exec sleep 600\n");
                processes.Add(StartWithoutDotnet(hosts[i], In(home, release, "chorus-node"),
                    ["--aggregator", join, "--name", Nodes[i], .. Tls(home, Nodes[i]), "--procfile", In(home, "Procfile")]));
            }

            foreach (var node in Nodes)
                await aggregator.WaitForStdoutAsync(l => l.Contains($" {node}/hello | dotnet: none, DOTNET_ROOT: unset"), TimeSpan.FromSeconds(60));

            // The guide's way to look: /api/nodes over HTTPS, trusting the CA, with the token.
            var nodes = Run(aggregatorHome, $"curl -sS --fail --cacert ca.pem -H \"Authorization: Bearer $(cat chorus.token)\" {new Uri(watch, "api/nodes")}");
            foreach (var node in Nodes) Assert.Contains($"\"{node}\"", nodes);
        }
        finally
        {
            foreach (var process in processes)
            {
                output.WriteLine($"{string.Join('\n', process.Stderr)}\n");
                process.Dispose();
            }
            foreach (var host in hosts) host.Dispose();
        }
    }

    /// <summary>
    /// Starts a published executable as on a host without .NET: no DOTNET_* variable (DOTNET_ROOT included), and
    /// a PATH where every directory that holds dotnet is replaced by a copy of it (symbolic links) without it.
    /// </summary>
    private ChorusProcess StartWithoutDotnet(NetworkNamespace? host, string path, string[] args) =>
        ChorusProcess.StartFile(path, host, environment =>
        {
            foreach (var name in environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
                environment.Remove(name);
            environment["PATH"] = string.Join(':', (environment["PATH"] ?? "").Split(':').Select(WithoutDotnet));
        }, args);

    private string WithoutDotnet(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "dotnet"))) return directory;
        var shadow = Path.Combine(_dir, "path-without-dotnet", directory.Trim('/').Replace('/', '-'));
        if (Directory.Exists(shadow)) return shadow;
        Directory.CreateDirectory(shadow);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Where(e => Path.GetFileName(e) != "dotnet"))
            File.CreateSymbolicLink(Path.Combine(shadow, Path.GetFileName(entry)), entry);
        return shadow;
    }

    private static string In(params string[] parts) => Path.Combine(parts);

    /// <summary>Runs one of the guide's shell lines in <paramref name="directory"/>; returns its stdout.</summary>
    private static string Run(string directory, string command)
    {
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command])
            { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = shell.StandardError.ReadToEndAsync();
        var stdout = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        Assert.True(shell.ExitCode == 0, $"{command} failed ({shell.ExitCode}): {stderr.Result}");
        return stdout;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
