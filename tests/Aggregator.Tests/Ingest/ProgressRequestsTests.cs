using Akka.Actor;
using Akka.TestKit.Xunit2;
using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>Who is asked for progress when a node's lines arrive: the other up nodes, each at most once per interval.</summary>
public sealed class ProgressRequestsTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly ProgressRequests _requests = new(Interval);

    private NodeLink UpLink() => new(1, 1, "key") { Up = true, Uplink = CreateTestProbe().Ref, LastHeard = T0 - TimeSpan.FromSeconds(1) };

    [Fact]
    public void Lines_from_one_node_ask_every_other_up_node_but_not_the_sender_or_a_down_one()
    {
        var (from, idle, down) = (UpLink(), UpLink(), UpLink());
        down.Up = false;

        Assert.Equal([idle], _requests.LinesArrived([from, idle, down], from, T0));
    }

    [Fact]
    public void A_node_asked_within_the_interval_is_asked_again_when_it_runs_out()
    {
        var (from, idle) = (UpLink(), UpLink());
        _requests.LinesArrived([from, idle], from, T0);

        Assert.Empty(_requests.LinesArrived([from, idle], from, T0 + TimeSpan.FromMilliseconds(10)));
        Assert.Equal(T0 + Interval, _requests.NextDue);
        Assert.Empty(_requests.Due([from, idle], T0 + TimeSpan.FromMilliseconds(40)));
        Assert.Equal([idle], _requests.Due([from, idle], T0 + Interval));
        Assert.Null(_requests.NextDue);
    }

    [Fact]
    public void A_node_heard_from_since_the_lines_arrived_is_not_asked_again()
    {
        var (from, busy) = (UpLink(), UpLink());
        _requests.LinesArrived([from, busy], from, T0);
        _requests.LinesArrived([from, busy], from, T0 + TimeSpan.FromMilliseconds(10));

        busy.LastHeard = T0 + TimeSpan.FromMilliseconds(20); // its batch carried its progress

        Assert.Empty(_requests.Due([from, busy], T0 + Interval));
        Assert.Null(_requests.NextDue);
    }

    [Fact]
    public void A_node_replaced_by_its_next_run_is_forgotten()
    {
        var (from, old) = (UpLink(), UpLink());
        _requests.LinesArrived([from, old], from, T0);
        _requests.LinesArrived([from, old], from, T0 + TimeSpan.FromMilliseconds(10));

        Assert.Empty(_requests.Due([from], T0 + Interval));
        Assert.Null(_requests.NextDue);
    }
}
