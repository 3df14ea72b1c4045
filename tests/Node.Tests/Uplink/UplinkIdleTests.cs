using System.Diagnostics;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>
/// An idle node wakes rarely (heartbeat-interval-idle) and still keeps failure detection's bounds: it heartbeats every
/// heartbeat-interval again once lines flow, finds a lost link link-timeout after the last word, and counts a clock
/// probe as a word.
/// </summary>
public sealed class UplinkIdleTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _aggregator;

    public UplinkIdleTests() => _aggregator = CreateTestProbe();

    [Fact]
    public async Task An_idle_node_heartbeats_every_heartbeat_interval_idle_and_every_heartbeat_interval_once_lines_flow()
    {
        var uplink = await Joined("heartbeat-interval = 100ms, heartbeat-interval-idle = 1s, link-timeout = 60s, resend-after = 60s");
        // The join's own heartbeat, then the first tick's: from there the node has been quiet for a whole tick.
        await _aggregator.FishForMessageAsync(m => m is Heartbeat);
        await _aggregator.FishForMessageAsync(m => m is Heartbeat);

        var quiet = Stopwatch.StartNew();
        await _aggregator.FishForMessageAsync(m => m is Heartbeat, TimeSpan.FromSeconds(10));
        await _aggregator.FishForMessageAsync(m => m is Heartbeat, TimeSpan.FromSeconds(10));
        // Timers fire late on a loaded machine, never early: two idle heartbeats take at least two idle intervals, less a margin.
        Assert.True(quiet.Elapsed >= TimeSpan.FromMilliseconds(1800), $"two idle heartbeats came within {quiet.ElapsedMilliseconds} ms");

        uplink.Tell(new ProcessActor.LinesRead("web", OutputStream.Stdout, 1, FramedLines.Whole("a")));
        await _aggregator.FishForMessageAsync(m => m is LineBatch);
        // The batch is in flight (never acknowledged here): the node heartbeats every 100 ms again, not every second.
        var busy = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) await _aggregator.FishForMessageAsync(m => m is Heartbeat, TimeSpan.FromSeconds(10));
        Assert.True(busy.Elapsed < TimeSpan.FromSeconds(4), $"five heartbeats with a batch in flight took {busy.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_quiet_node_finds_its_link_lost_link_timeout_after_the_last_word_not_an_idle_tick_later()
    {
        // The idle tick is 30 s here: only a check at the moment the link counts as lost explains a re-join within seconds.
        await Joined("heartbeat-interval = 100ms, heartbeat-interval-idle = 30s, link-timeout = 1s");

        await _aggregator.FishForMessageAsync(m => m is JoinRequest, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_clock_probe_counts_as_a_word_from_the_aggregator()
    {
        // Heartbeats go unanswered; only the probes, every 200 ms, can keep the 1 s link alive for 3 s.
        var uplink = await Joined("heartbeat-interval = 100ms, link-timeout = 1s");
        var seen = new List<object>();
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
        {
            uplink.Tell(new ClockProbe(DateTime.UtcNow, "KEY"), _aggregator.Ref);
            while (await _aggregator.ReceiveOneAsync(TimeSpan.FromMilliseconds(200)) is { } message) seen.Add(message);
        }

        Assert.Contains(seen, m => m is ClockReply);
        Assert.DoesNotContain(seen, m => m is JoinRequest);
    }

    private async Task<IActorRef> Joined(string settings)
    {
        var uplink = Sys.ActorOf(UplinkActor.Props("node-a", 7, _aggregator.Ref.Path.ToString(), new MonotonicClock(),
            TestNodeSettings.With($"chorus.node {{ {settings} }}"), token: "", wireVersion: WireVersion.Current));
        var join = await _aggregator.ExpectMsgAsync<JoinRequest>();
        _aggregator.Reply(new JoinAccepted(1, 1, Nonce: join.Nonce, SessionKey: "KEY"));
        return uplink;
    }
}
