using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node;
using Chorus.Node.Processes;
using Chorus.Node.Uplink;

namespace Chorus.Aggregator.Tests.Scenarios;

/// <summary>
/// Several nodes saturating one aggregator whose stdout is slow (a real pipe, read at a bounded pace), over real
/// Akka.Remote: each node's own uplink writing as fast as it takes lines, as bench/LoadNodes does. While every node
/// is still busy, each must get at least half an equal share of what comes out (README, Reliability: flow control).
/// Before the aggregator granted send windows, whichever node's resend came first after the output had room took it.
/// </summary>
public sealed class SendWindowFairnessTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int Nodes = 6;
    private const int LinesPerNode = 6_000;
    private const int LinesPerRead = 100;
    private readonly AnonymousPipeServerStream _stdout = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _reader;
    private readonly List<ActorSystem> _nodeSystems = [];
    private readonly TaskCompletionSource _allJoined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SendWindowFairnessTests() : base(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name) =>
        _reader = new AnonymousPipeClientStream(PipeDirection.In, _stdout.ClientSafePipeHandle);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _reader.Dispose();
        _stdout.Dispose();
        foreach (var system in _nodeSystems) await system.Terminate();
    }

    [Fact]
    public async Task Nodes_saturating_a_slow_output_each_get_at_least_half_an_equal_share_while_all_are_busy()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator { send-window-total = 12, node-timeout = 30s }");
        // A small bound, so the output is full for most of the run and the nodes take turns at it.
        var pending = new PendingOutput(maxRecords: 3_000, maxBytes: 100_000_000);
        var stdout = Sys.ActorOf(SinkActor.Props(new StdoutWriter(_stdout, new JsonFormatter()), pending.AddSink("stdout"), "chorus.stdout-dispatcher"));
        var merge = Sys.ActorOf(MergeActor.Props([stdout], settings));
        Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), pending, settings, token: null), IngestEndpoint.ActorName);
        var reading = Task.Run(ReadNodesSlowly);

        var ingestPath = AggregatorAddress.IngestPath(RemoteSystem.BoundAddress(Sys), RemoteSystem.Protocol(Sys));
        // Every node joined first, then all write at once: on a loaded machine starting an actor system and joining
        // take long enough for the first node to send all its lines before the last one has joined.
        var uplinks = await Task.WhenAll(Enumerable.Range(0, Nodes).Select(i => Task.Run(() => StartNode($"n{i}", ingestPath))));
        await _allJoined.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var writers = Enumerable.Range(0, Nodes).Select(i => WriteAsFastAsTakenAsync($"n{i}", uplinks[i])).ToList();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        var arrivals = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Nodes * LinesPerNode, arrivals.Count);
        // While all were busy: up to the moment the first node's last line came out.
        var firstDone = Enumerable.Range(0, Nodes).Select(i => arrivals.LastIndexOf($"n{i}")).Min();
        var window = arrivals.Take(firstDone + 1).ToList();
        var equalShare = (double)window.Count / Nodes;
        var shares = Enumerable.Range(0, Nodes).Select(i => window.Count(n => n == $"n{i}") / equalShare).ToList();
        Assert.True(shares.Min() >= 0.5, $"shares of an equal share while all were busy: {string.Join(", ", shares.Select(s => s.ToString("0.00")))}");
    }

    /// <summary>One node: its uplink in a node system of its own (so a connection of its own), joining at once.</summary>
    private IActorRef StartNode(string node, string ingestPath)
    {
        var config = HoconFiles.Load("node.conf", "wire.conf");
        var system = ActorSystem.Create(RemoteSystem.Name, config);
        lock (_nodeSystems) _nodeSystems.Add(system);
        // Everything in memory: a spool would only add disk work to a test of who is let through.
        var settings = NodeSettings.From(Akka.Configuration.ConfigurationFactory
            .ParseString("chorus.node { batch-max-records = 100, max-buffered-bytes = 64MiB, spool-max-bytes = 0, link-timeout = 30s }").WithFallback(config));
        return system.ActorOf(UplinkActor.Props(node, Random.Shared.NextInt64(1, long.MaxValue), ingestPath, new MonotonicClock(), settings, token: "", WireVersion.Current));
    }

    /// <summary>
    /// Feeds one node's uplink <see cref="LinesPerNode"/> lines in reads of <see cref="LinesPerRead"/>, each only once the
    /// last is taken, as the pipe readers do.
    /// </summary>
    private static async Task WriteAsFastAsTakenAsync(string node, IActorRef uplink)
    {
        for (var first = 1; first <= LinesPerNode; first += LinesPerRead)
        {
            var lines = Enumerable.Range(first, LinesPerRead).Select(n => new FramedLine(Encoding.UTF8.GetBytes($"{node} line {n} {new string('x', 40)}"), false)).ToArray();
            await uplink.Ask<ProcessActor.LinesAppended>(new ProcessActor.LinesRead("p", OutputStream.Stdout, first, lines), TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The node of every line that comes out, in order, reading at a bounded pace: a slow terminal.</summary>
    private List<string> ReadNodesSlowly()
    {
        var nodes = new List<string>();
        var joined = 0;
        using var reader = new StreamReader(new PacedStream(_reader, bytesPerSecond: 1_500_000));
        while (nodes.Count < Nodes * LinesPerNode && reader.ReadLine() is { } line)
        {
            var record = JsonDocument.Parse(line).RootElement;
            if (record.GetProperty("type").GetString() == "line") nodes.Add(record.GetProperty("node").GetString()!);
            else if (record.GetProperty("event").GetString() == "node-up" && ++joined == Nodes) _allJoined.TrySetResult();
        }
        return nodes;
    }

    /// <summary>Reads at most <paramref name="bytesPerSecond"/> from the pipe: the pipe fills, the stdout sink blocks, the output backs up.</summary>
    private sealed class PacedStream(Stream inner, int bytesPerSecond) : Stream
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _read;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var due = TimeSpan.FromSeconds((double)_read / bytesPerSecond) - _clock.Elapsed;
            if (due > TimeSpan.Zero) Thread.Sleep(due);
            var read = inner.Read(buffer, offset, Math.Min(count, 4096));
            _read += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
