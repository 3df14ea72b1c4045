using Chorus.Aggregator.Ingest;
using static Chorus.Aggregator.Ingest.NodeLinks;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class NodeLinksTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    private readonly NodeLinks _links = new(maxNodes: 3, NodeTimeout, ForgetAfter, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

    [Fact]
    public void A_message_is_taken_only_from_the_current_run_of_an_up_node_with_its_session_key()
    {
        var a = Up("a", incarnation: 2, T0);

        Assert.Equal(Heard.Current, _links.Hear("a", 2, a.SessionKey, T0, out _));
        Assert.Equal(Heard.Stale, _links.Hear("a", 1, a.SessionKey, T0, out _));
        Assert.Equal(Heard.Forged, _links.Hear("a", 2, "0000", T0, out _));
        Assert.Equal(Heard.Forged, _links.Hear("a", 2, "", T0, out _));
        Assert.Equal(Heard.Forged, _links.Hear("never-joined", 2, a.SessionKey, T0, out _));
        a.GoDown(T0);
        Assert.Equal(Heard.Down, _links.Hear("a", 2, a.SessionKey, T0, out _));
    }

    [Fact]
    public void Every_run_gets_its_own_session_key()
    {
        var first = Up("a", incarnation: 1, T0);
        var second = Up("a", incarnation: 2, T0);

        Assert.NotEqual(first.SessionKey, second.SessionKey);
        Assert.Same(second, _links.Find("a"));
    }

    [Fact]
    public void A_node_not_heard_from_for_the_node_timeout_goes_down_and_hearing_from_it_keeps_it_up()
    {
        var a = Up("a", 1, T0);
        Up("b", 1, T0);
        _links.Hear("a", 1, a.SessionKey, T0.AddSeconds(5), out _);

        Assert.Empty(_links.CheckLiveness(T0.AddSeconds(7)));
        Assert.Equal(["b"], _links.CheckLiveness(T0.AddSeconds(9)));
        Assert.Equal(1, _links.UpCount);
        Assert.Equal(["a"], _links.CheckLiveness(T0.AddSeconds(14)));
        Assert.Empty(_links.CheckLiveness(T0.AddSeconds(20))); // reported once
    }

    [Fact]
    public void A_down_node_is_remembered_for_forget_down_node_after_then_forgotten()
    {
        Up("a", 1, T0).GoDown(T0);

        _links.CheckLiveness(T0 + ForgetAfter);
        Assert.NotNull(_links.Find("a"));
        _links.CheckLiveness(T0 + ForgetAfter + TimeSpan.FromSeconds(1));
        Assert.Null(_links.Find("a"));
    }

    [Fact]
    public void A_new_name_makes_room_by_forgetting_the_oldest_down_nodes_beyond_max_nodes()
    {
        for (var i = 0; i < 3; i++) Up($"old-{i}", 1, T0).GoDown(T0.AddSeconds(i));

        Up("new", 1, T0.AddSeconds(10));

        Assert.Null(_links.Find("old-0"));
        Assert.NotNull(_links.Find("old-1"));
        Assert.NotNull(_links.Find("old-2"));
    }

    [Fact]
    public void A_run_restored_from_the_archive_is_down_takes_no_room_and_knows_its_batches_as_repeats()
    {
        _links.Restore("a", incarnation: 7, lastBatch: 3, T0);

        var a = _links.Find("a")!;
        Assert.Equal((false, 4L, 0), (a.Up, a.Sequence.Next, _links.UpCount));
        Assert.Equal(Heard.Down, _links.Hear("a", 7, a.SessionKey, T0, out _));
    }

    private NodeLink Up(string node, long incarnation, DateTime at)
    {
        var link = _links.StartRun(node, incarnation, firstSeq: 1);
        link.Up = true;
        link.LastHeard = at;
        return link;
    }
}
