using System.Text;
using Akka.Actor;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Chorus.Tests.Support;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Remoting;

/// <summary>
/// The aggregator's actors as chorus-aggregator wires them (real sinks, the archive, the merge, the ingest)
/// and a peer that never joined: a second ActorSystem over real remoting that resolves every actor path of
/// the aggregator (untrusted mode stops selections, not sends to a resolved reference) and sends wire
/// messages straight to each. Only the ingest may act on them, and it drops them for lacking a session key.
/// </summary>
public sealed class HostilePeerAtEveryPathTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf", "wire.conf"), RemoteSystem.Name), IDisposable
{
    private const string Token = "the token";
    private readonly string _archivePath = Path.GetTempFileName();

    [Fact]
    public async Task A_peer_sending_a_batch_to_every_actor_path_gets_nothing_into_any_sink()
    {
        var pending = new PendingOutput(100_000, 32 << 20);
        var stdout = new MemoryStream();
        var board = new StatusBoard();
        var feed = new LiveFeed(1000, DateTime.UtcNow);
        var stdoutSink = Sys.ActorOf(SinkActor.Props(new StdoutWriter(stdout, new JsonFormatter()), pending.AddSink("stdout")), "stdout");
        var feedSink = Sys.ActorOf(SinkActor.Props(feed, pending.AddSink("live feed")), "live-feed");
        var boardSink = Sys.ActorOf(SinkActor.Props(board, pending.AddSink("status board")), "status-board");
        var settings = Support.TestSettings.Aggregator();
        var merge = Sys.ActorOf(MergeActor.Props([stdoutSink, feedSink, boardSink], settings), "merge");
        var archive = Sys.ActorOf(ArchiveActor.Props(_archivePath, merge, new StopRequest()), "archive");
        var output = IngestOutput.Archived(archive, ArchiveFile.Repair(_archivePath));
        Sys.ActorOf(IngestActor.Props(output, pending, settings, AccessToken.From(Token, "test")), "ingest");

        using var peer = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("wire.conf"));
        var address = $"akka.tcp://{RemoteSystem.Name}@{RemoteSystem.BoundAddress(Sys)}";
        // Connected first, so that the actors remoting makes for this peer's connection are among those it sends to.
        await peer.ActorSelection(address + "/user/ingest").Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30));

        var paths = EveryActorPath();
        Assert.Superset(new HashSet<string> { "/user/stdout", "/user/live-feed", "/user/status-board", "/user/merge", "/user/archive", "/user/ingest" },
            paths.ToHashSet());
        Assert.Contains(paths, p => p.StartsWith("/system/endpointManager/", StringComparison.Ordinal));

        var forged = new LineBatch("forged", 1, 1, At(1), [Line("web", 1, 1, "forged")], SessionKey: "");
        foreach (var path in paths)
        {
            var target = ((ExtendedActorSystem)peer).Provider.ResolveActorRef(address + path);
            target.Tell(new JoinRequest("forged", 1, 1, "a guess", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
            target.Tell(forged);
            target.Tell(new Heartbeat("forged", 1, 1, DateTime.MaxValue, SessionKey: ""));
            target.Tell(new NodeLeaving("forged", 1, SessionKey: ""));
        }

        // A real node over the same remoting afterwards: its line comes out, so everything sent before it
        // has been through every actor it was going to pass.
        var node = new Akka.TestKit.TestProbe(peer, new Akka.TestKit.Xunit2.XunitAssertions());
        node.IgnoreMessages<ClockProbe>();
        var ingest = peer.ActorSelection(address + "/user/ingest");
        ingest.Tell(new JoinRequest("good", 7, 1, Token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Ref);
        var key = (await node.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(30))).SessionKey;
        ingest.Tell(new LineBatch("good", 7, 1, At(2), [Line("web", 1, 2, "real")], key), node.Ref);
        await Eventually.True(() => board.Snapshot().Any(n => n.Node == "good" && n.Processes.Any(p => p.Lines == 1)), TimeSpan.FromSeconds(30));
        await merge.Ask<OutputFlushed>(new FlushOutput(), TimeSpan.FromSeconds(30));

        var written = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.Contains("\"text\":\"real\"", written);
        Assert.DoesNotContain("forged", written);
        Assert.DoesNotContain("forged", File.ReadAllText(_archivePath));
        Assert.Equal(["good"], board.Snapshot().Select(n => n.Node));
        Assert.Equal((0L, 0L), (pending.Held.Records, pending.Held.Bytes));
    }

    /// <summary>
    /// Every actor of the aggregator's system that a peer could address, read from the actor tree itself: from the
    /// root down, the user actors, the system ones (remoting's among them) and all their children. Not by asking
    /// each actor to identify itself within a fixed time, which a loaded machine could overrun.
    /// </summary>
    private List<string> EveryActorPath()
    {
        var paths = new List<string>();
        var toVisit = new Stack<IActorRef>([((ExtendedActorSystem)Sys).Provider.RootGuardian]);
        while (toVisit.TryPop(out var actor))
        {
            paths.Add(actor.Path.ToStringWithoutAddress());
            if (actor is ActorRefWithCell withCell)
                foreach (var child in withCell.Children) toVisit.Push(child);
        }
        return paths;
    }

    public new void Dispose()
    {
        File.Delete(_archivePath);
        base.Dispose();
    }
}
