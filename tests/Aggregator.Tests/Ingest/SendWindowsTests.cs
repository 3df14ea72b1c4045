using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class SendWindowsTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);
    private readonly SendWindows _windows = new(totalBatches: 128);

    [Fact]
    public void The_total_is_shared_equally_among_the_busy_nodes_and_idle_ones_take_no_share()
    {
        var links = Links(10);
        foreach (var link in links.Take(4)) _windows.Sent(link, Now);

        Assert.Equal(32, _windows.Grant(links[0], links, Now));
    }

    [Fact]
    public void Every_busy_node_gets_at_least_one_batch_however_many_there_are()
    {
        var links = Links(300);
        foreach (var link in links) _windows.Sent(link, Now);

        Assert.Equal(1, _windows.Grant(links[0], links, Now));
    }

    [Fact]
    public void A_node_held_back_counts_as_busy_though_it_sent_nothing_for_a_while()
    {
        var links = Links(2);
        _windows.Sent(links[0], Now);
        links[1].Held = true;

        Assert.Equal(64, _windows.Grant(links[0], links, Now));
    }

    [Fact]
    public void A_node_quiet_for_longer_than_the_busy_span_gives_its_share_back_and_a_node_down_takes_none()
    {
        var links = Links(3);
        _windows.Sent(links[0], Now);
        _windows.Sent(links[1], Now.AddSeconds(5));
        links[2].Held = true;
        links[2].GoDown(Now);

        Assert.Equal(128, _windows.Grant(links[1], links, Now.AddSeconds(5)));
    }

    [Fact]
    public void A_node_that_becomes_busy_is_counted_before_the_next_grant()
    {
        var links = Links(2);
        _windows.Sent(links[0], Now);
        Assert.Equal(128, _windows.Grant(links[0], links, Now));

        _windows.Sent(links[1], Now.AddMilliseconds(1));

        Assert.Equal(64, _windows.Grant(links[1], links, Now.AddMilliseconds(1)));
    }

    [Fact]
    public void A_node_not_busy_yet_is_granted_the_start_window_not_a_share_of_the_total()
    {
        // Before: a hundred nodes joining at once were each granted the whole total (none was busy yet), and
        // put 32 batches each in flight when they all began to send.
        var links = Links(100);

        Assert.Equal(SendWindows.StartWindow, _windows.Grant(links[0], links, Now));
        _windows.Sent(links[0], Now);
        Assert.Equal(128, _windows.Grant(links[0], links, Now));
        Assert.Equal(SendWindows.StartWindow, _windows.Grant(links[1], links, Now));
    }

    private static List<NodeLink> Links(int count) =>
        Enumerable.Range(0, count).Select(_ => new NodeLink(1, 1, "key") { Up = true }).ToList();
}
