using System.CommandLine;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Node;

// chorus-node: flags -> config (checked) -> actor system -> the node actor (its uplink, then its processes) -> wait for its exit code.
return await CommandLine.InvokeAsync(NodeOptions.CreateCommand(), args, Run);

static async Task<int> Run(ParseResult parsed)
{
    var options = NodeOptions.From(parsed);
    var config = ConfigFile.Compose(options.HoconOverrides, parsed, "node.conf", "wire.conf");
    // Checked before anything starts: a bad value is a usage error that names its key.
    var settings = NodeSettings.From(config);

    // A node dials only the aggregator, so with TLS it checks that the certificate names the aggregator's host.
    using var system = RemoteSystem.Start(config, "--listen", options.Listen, options.Security.Tls, checkServerName: true);
    var host = NodeHost.Start(system, options.Name, options.Processes, AggregatorAddress.IngestPath(options.Aggregator, RemoteSystem.Protocol(system)),
        settings, new MonotonicClock(), options.Security.Token?.Value ?? "", NodeWireVersion.FromEnvironment(), options.Tasks);
    using var signals = new ShutdownSignals(host.Stop, host.Kill);

    var exitCode = await host.ExitCode;
    await system.Terminate();
    return exitCode;
}
