using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Chorus.Bench.LoadNodes;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node;
using Chorus.Node.Uplink;

// load-nodes AGGREGATOR METRICS_URL NODES PROCS RATE LINES SECONDS [FIRST [NODES_PER_SYSTEM [SPOOL_DIR]]]
//
// Many nodes in one process, for bench/scale.sh: NODES simulated nodes (named load-FIRST, load-FIRST+1, ...), each
// the node's own UplinkActor (its outbox, serializer and remoting) fed by PROCS processes that write LINES numbered
// lines each at RATE lines/s (0: as fast as the uplink takes them; LINES 0: idle, nothing written). Nodes share an
// ActorSystem (one remoting connection) NODES_PER_SYSTEM at a time (default 10). It waits until the aggregator's
// METRICS_URL counts FIRST-1+NODES nodes up, says "all joined" on stderr, writes, drains every uplink (as a node
// does when its processes end) and prints key=value lines on stdout. Idle, it stays joined until SECONDS have
// passed or it gets SIGTERM. SECONDS bounds the whole run. LOAD_NODES_HOCON, if set, is HOCON over the node's
// defaults (e.g. chorus.node.max-unacked-batches = 4), to try a setting on every node at once.
if (args.Length is < 7 or > 10
    || !int.TryParse(args[2], out var nodes) || !int.TryParse(args[3], out var processes)
    || !double.TryParse(args[4], CultureInfo.InvariantCulture, out var rate) || !long.TryParse(args[5], out var lines)
    || !double.TryParse(args[6], CultureInfo.InvariantCulture, out var seconds))
{
    Console.Error.WriteLine("usage: load-nodes HOST:PORT METRICS_URL NODES PROCS RATE LINES SECONDS [FIRST [NODES_PER_SYSTEM [SPOOL_DIR]]]");
    return 2;
}
var first = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 1;
var perSystem = args.Length > 8 ? int.Parse(args[8], CultureInfo.InvariantCulture) : 10;
var spool = args.Length > 9 ? args[9] : null;
var aggregator = HostPort.Parse(args[0], "AGGREGATOR");
var deadline = Stopwatch.StartNew();
var runFor = TimeSpan.FromSeconds(seconds);
using var stopped = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.Cancel(); });
void Say(string text) => Console.Error.WriteLine($"load-nodes: {text}");

// The node's own configuration (hocon/node.conf and wire.conf, as chorus-node loads them); a spool of this run's own.
var config = ConfigurationFactory.ParseString(Environment.GetEnvironmentVariable("LOAD_NODES_HOCON") ?? "")
    .WithFallback(ConfigurationFactory.ParseString(spool is null ? "chorus.node.spool-max-bytes = 0" : ""))
    .WithFallback(HoconFiles.Load("node.conf", "wire.conf"));
// A drain waits for every line to be acknowledged, up to the run's bound: saturated, nodes write far faster than
// the aggregator takes, and what they hold is delivered after they stop writing.
var settings = NodeSettings.From(config) with { DrainTimeout = runFor };
var clock = new MonotonicClock();
var systems = new List<ActorSystem>();
var driver = new Driver();
var nodeRefs = new List<IActorRef>();
for (var i = 0; i < nodes; i++)
{
    if (i % perSystem == 0) systems.Add(RemoteSystem.Start(config, "--listen", new HostPort("127.0.0.1", 0)));
    var system = systems[^1];
    if (i % perSystem == 0) driver.Attach(system);
    var index = first + i;
    var name = $"load-{index:0000}";
    // Each node a spool of its own, as each chorus-node process would have.
    var nodeSettings = spool is null ? settings : settings with { SpoolDirectory = Path.Combine(spool, name) };
    if (nodeSettings.SpoolMaxBytes > 0) SpoolLocation.Prepare(SpoolLocation.For(name, nodeSettings.SpoolDirectory));
    var uplink = UplinkActor.Props(name, Random.Shared.NextInt64(1, long.MaxValue),
        AggregatorAddress.IngestPath(aggregator, RemoteSystem.Protocol(system)), clock, nodeSettings, "", WireVersion.Current);
    nodeRefs.Add(system.ActorOf(LoadNode.Props(index, processes, rate, lines, TimeSpan.FromMilliseconds(10), uplink, driver.RefIn(system)), name));
}
Say($"{nodes} nodes started on {systems.Count} actor systems in {deadline.Elapsed.TotalSeconds:0.0} s");

var expectedUp = first - 1 + nodes;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
var upPattern = new Regex(@"^chorus_nodes\{state=""up""\} (\d+)", RegexOptions.Multiline);
var up = 0;
while (up < expectedUp && deadline.Elapsed < runFor && !stopped.IsCancellationRequested)
{
    try
    {
        var match = upPattern.Match(await http.GetStringAsync(args[1], stopped.Token));
        up = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        // The aggregator is busy taking a thousand joins, or its HTTP is not up yet: ask again.
    }
    if (up < expectedUp) await Task.Delay(200, CancellationToken.None);
}
var joinedSeconds = deadline.Elapsed.TotalSeconds;
if (up < expectedUp) Say($"only {up} of {expectedUp} nodes up after {joinedSeconds:0.0} s");
else Say($"all joined: {up} nodes up after {joinedSeconds:0.0} s");

var start = Stopwatch.GetTimestamp();
var generating = processes > 0 && lines > 0;
foreach (var node in nodeRefs) node.Tell(new LoadNode.Go(start));
var generated = generating ? await driver.AllGenerated(nodes, runFor - deadline.Elapsed, stopped.Token) : 0;
var generatedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
if (!generating)
{
    try { await Task.Delay(runFor - deadline.Elapsed, stopped.Token); }
    catch (TaskCanceledException) { }
}

// As a node whose processes ended: every uplink sends what it holds and leaves (each bounded by drain-timeout).
var drainFor = TimeSpan.FromSeconds(Math.Max(10, (runFor - deadline.Elapsed).TotalSeconds) + 5);
var drains = nodeRefs.Select(n => n.Ask<UplinkActor.Drained>(new LoadNode.Finish(), drainFor)).ToArray();
long undelivered = 0, undrained = 0;
foreach (var drain in drains)
{
    try { undelivered += (await drain).UndeliveredRecords; }
    catch (AskTimeoutException) { undrained++; }
}
var drainedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
await Task.WhenAll(systems.Select(s => s.Terminate()));

Console.WriteLine($"nodes={nodes}");
Console.WriteLine($"systems={systems.Count}");
Console.WriteLine($"up={up}");
Console.WriteLine($"joined_s={joinedSeconds.ToString("F1", CultureInfo.InvariantCulture)}");
Console.WriteLine($"lines_generated={generated}");
Console.WriteLine($"generated_s={generatedSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
Console.WriteLine($"drained_s={drainedSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
Console.WriteLine($"undelivered={undelivered}");
Console.WriteLine($"undrained_nodes={undrained}");
Console.WriteLine($"refused={driver.Refusals}");
return up < expectedUp || undelivered > 0 || undrained > 0 || driver.Refusals > 0 ? 1 : 0;
