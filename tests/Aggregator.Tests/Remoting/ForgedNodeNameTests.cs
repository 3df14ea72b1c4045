using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Tests.Support;

namespace Chorus.Aggregator.Tests.Remoting;

/// <summary>
/// The real chorus-aggregator, and a peer (an ActorSystem in this test) joining it over real remoting under a name
/// made to take over the operator's terminal: an ANSI colour and a line of its own.
/// </summary>
public sealed class ForgedNodeNameTests : IDisposable
{
    private const string ForgedName = "\u001b[31m\nFAKE";
    private readonly ActorSystem _peer = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("wire.conf"));

    [Fact]
    public async Task A_join_under_a_name_with_escapes_and_a_newline_is_refused_and_never_reaches_the_terminal()
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json");
        using var _ = aggregator;
        var node = new Akka.TestKit.TestProbe(_peer, new Akka.TestKit.Xunit2.XunitAssertions());

        var ingest = _peer.ActorSelection($"akka.tcp://{RemoteSystem.Name}@{join}/user/ingest");

        ingest.Tell(new JoinRequest(ForgedName, 1, 1, Nonce: "N", Token: "", SentAt: default, WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), node.Ref);
        // And a batch under that name without joining, which is dropped and logged with the name it claims.
        ingest.Tell(new LineBatch(ForgedName, 1, 1, DateTime.UtcNow, [], SessionKey: ""), node.Ref);

        var refused = await node.ExpectMsgAsync<JoinRefused>(TimeSpan.FromSeconds(15));
        Assert.Contains(NodeName.Rule, refused.Reason);
        // Both are logged, escaped: the name shows as text, and starts no line.
        await aggregator.WaitForStderrAsync(l => l.Contains("Refused") && l.Contains("name"));
        await aggregator.WaitForStderrAsync(l => l.Contains("Dropped") && l.Contains(@"\u001B[31m\nFAKE"));
        aggregator.Signal(15);
        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(aggregator.Stderr, l => l.Contains('\u001b') || l.StartsWith("FAKE", StringComparison.Ordinal));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("FAKE"));
    }

    public void Dispose() => _peer.Terminate().Wait(TimeSpan.FromSeconds(10));
}
