using System.Text;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>
/// The send window the aggregator grants (README, Reliability: flow control), over real Akka.Remote: the uplink in a
/// node system of its own, dialling a probe that stands at the aggregator's ingest path in this test's system and
/// answers as the aggregator would. Batches of 10 records, so every read of 10 lines is one batch.
/// </summary>
public sealed class UplinkSendWindowTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Key = "KEY";
    private const long Incarnation = 7;
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly ActorSystem _nodeSystem = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("node.conf", "wire.conf"));
    private IActorRef _uplink = ActorRefs.Nobody;
    // The uplink as the aggregator's side sees it: what it tells goes over the wire, from the dialled address.
    private IActorRef _uplinkOverTheWire = ActorRefs.Nobody;
    private long _nextLine = 1;

    public UplinkSendWindowTests() : base(HoconFiles.Load("wire.conf"), RemoteSystem.Name)
    {
        _aggregator = CreateTestProbe();
        Sys.ActorOf(ProbeActors.Forwarding(_aggregator), IngestEndpoint.ActorName);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodeSystem.Terminate();

    [Fact]
    public async Task A_node_never_has_more_batches_unacknowledged_than_its_grant()
    {
        // No resend within the test: every batch seen is a first send.
        await StartAsync(grant: 3, "link-timeout = 30s, resend-after = 30s");
        Write(batches: 12);

        Assert.Equal([1L, 2, 3], await BatchesAsync(3));
        await NoBatchAsync(TimeSpan.FromMilliseconds(500));

        Acknowledge(upTo: 1, grant: 3);
        Assert.Equal([4L], await BatchesAsync(1));
        await NoBatchAsync(TimeSpan.FromMilliseconds(300));

        // A smaller grant: nothing more goes out until fewer than it are unacknowledged.
        Acknowledge(upTo: 2, grant: 1);
        await NoBatchAsync(TimeSpan.FromMilliseconds(300));
        Acknowledge(upTo: 4, grant: 1);
        Assert.Equal([5L], await BatchesAsync(1));
        await NoBatchAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_held_back_node_neither_resends_nor_rejoins_while_the_answers_to_its_heartbeats_say_held()
    {
        // A link timeout of 3 s, not less: a test machine loaded by the whole suite has left a node's heartbeat without
        // an answer for over a second, and then the node rightly re-joined.
        await StartAsync(grant: 4, "link-timeout = 3s, resend-after = 1s");
        Write(batches: 6);
        Assert.Equal([1L, 2, 3, 4], await BatchesAsync(4));
        Acknowledge(upTo: 0, grant: 0);

        // Over two link timeouts and seven resend-afters: every heartbeat answered "held", nothing else.
        var heartbeats = 0;
        var until = DateTime.UtcNow.AddSeconds(7);
        for (var left = until - DateTime.UtcNow; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
        {
            var message = await _aggregator.ReceiveOneAsync(left);
            Assert.False(message is LineBatch or JoinRequest, $"a held-back node sent {message}");
            if (message is not Heartbeat heartbeat) continue;
            // Lines wait, so it promises nothing: it names a batch it has not numbered yet.
            Assert.True(heartbeat.LastBatchSeq > 6, $"a held-back heartbeat named batch {heartbeat.LastBatchSeq}, which may be held");
            heartbeats++;
            _aggregator.Reply(new BatchAck(Incarnation, 0, Key, Grant: 0));
        }
        Assert.InRange(heartbeats, 5, int.MaxValue);

        // Let go by the answer to a heartbeat (as when the one sent unasked was lost): on it goes, from where it was.
        await _aggregator.FishForMessageAsync(m => m is Heartbeat, TimeSpan.FromSeconds(3));
        _aggregator.Reply(new BatchAck(Incarnation, 4, Key, Grant: 4));
        Assert.Equal([5L, 6], await BatchesAsync(2));
    }

    [Fact]
    public async Task A_batch_lost_on_the_wire_is_still_resent_once_its_window_is_granted()
    {
        await StartAsync(grant: 2, "link-timeout = 5s, resend-after = 300ms");
        Write(batches: 2);
        Assert.Equal([1L, 2], await BatchesAsync(2));

        // Held, then let go with nothing acknowledged: both were lost on the way, and the aggregator never had them.
        Acknowledge(upTo: 0, grant: 0);
        Acknowledge(upTo: 0, grant: 2);

        Assert.Equal([1L, 2], await BatchesAsync(2, within: TimeSpan.FromSeconds(5)));
    }

    /// <summary>Starts the uplink in a node system of its own and accepts its join with <paramref name="grant"/>.</summary>
    private async Task StartAsync(int grant, string timeouts)
    {
        var settings = TestNodeSettings.With(
            $"chorus.node {{ {timeouts}, heartbeat-interval = 100ms, batch-max-records = 10, max-unacked-batches = 32, spool-max-bytes = 0 }}");
        var ingestPath = $"{RemoteSystem.Protocol(Sys)}://{RemoteSystem.Name}@{RemoteSystem.BoundAddress(Sys)}{IngestEndpoint.Path}";
        _uplink = _nodeSystem.ActorOf(UplinkActor.Props("node-a", Incarnation, ingestPath, new MonotonicClock(), settings, token: "", WireVersion.Current));
        var join = await _aggregator.FishForMessageAsync<JoinRequest>(_ => true, TimeSpan.FromSeconds(10));
        _uplinkOverTheWire = _aggregator.LastSender;
        _aggregator.Reply(new JoinAccepted(1, 1, Key, join.Nonce, Grant: grant));
    }

    /// <summary>As many reads of 10 lines as <paramref name="batches"/>, each a batch of its own.</summary>
    private void Write(int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            var lines = Enumerable.Range(0, 10).Select(_ => new FramedLine(Encoding.UTF8.GetBytes($"line {_nextLine++}"), false)).ToArray();
            _uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, _nextLine - 10, lines));
        }
    }

    private void Acknowledge(long upTo, int grant) => _uplinkOverTheWire.Tell(new BatchAck(Incarnation, upTo, Key, grant), _aggregator.Ref);

    private async Task<List<long>> BatchesAsync(int count, TimeSpan? within = null)
    {
        var seqs = new List<long>();
        while (seqs.Count < count)
            seqs.Add(((LineBatch)await _aggregator.FishForMessageAsync(m => m is LineBatch, within ?? TimeSpan.FromSeconds(5))).Seq);
        return seqs;
    }

    private async Task NoBatchAsync(TimeSpan during)
    {
        var until = DateTime.UtcNow + during;
        for (var left = during; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
            Assert.False(await _aggregator.ReceiveOneAsync(left) is LineBatch batch, "a batch beyond the grant went out");
    }
}
