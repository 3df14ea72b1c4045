using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Sinks;

public sealed class LiveFeedTests
{
    private readonly LiveFeed _feed = new(capacity: 100);

    [Fact]
    public void Backlog_then_live_has_no_gap_and_no_repeat_at_the_seam()
    {
        _feed.Publish(Items(1, 10));

        var subscription = _feed.Subscribe(_ => true, backlog: 3, afterId: null, bufferCapacity: 50);
        _feed.Publish(Items(11, 12));

        Assert.Equal([8L, 9, 10, 11, 12], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    [Fact]
    public void Resuming_after_an_id_sends_exactly_what_followed_it()
    {
        _feed.Publish(Items(1, 10));

        var subscription = _feed.Subscribe(_ => true, backlog: 0, afterId: 7, bufferCapacity: 50);

        Assert.Equal([8L, 9, 10], Drain(subscription).Select(e => e.Id));
    }

    [Fact]
    public void A_client_that_falls_a_buffer_behind_is_told_exactly_how_many_it_missed()
    {
        var subscription = _feed.Subscribe(_ => true, backlog: 0, afterId: null, bufferCapacity: 5);

        _feed.Publish(Items(1, 12)); // 5 fit, 7 are missed
        var first = Drain(subscription);
        _feed.Publish(Items(13, 13));
        var after = Drain(subscription);

        Assert.Equal([1L, 2, 3, 4, 5], first.Select(e => e.Item.Record.Seq));
        Assert.Equal(RecordKind.Gap, after[0].Item.Record.Kind);
        Assert.Equal(7, after[0].Item.Record.Count);
        Assert.Equal("slow-client", after[0].Item.Record.Reason);
        Assert.Equal(13, after[1].Item.Record.Seq);
    }

    [Fact]
    public void A_filter_applies_to_the_backlog_and_the_live_stream()
    {
        var subscription = _feed.Subscribe(i => i.Record.Seq % 2 == 0, backlog: 10, afterId: null, bufferCapacity: 50);

        _feed.Publish(Items(1, 6));

        Assert.Equal([2L, 4, 6], Drain(subscription).Select(e => e.Item.Record.Seq));
    }

    private static List<FeedEntry> Drain(FeedSubscription subscription)
    {
        var entries = new List<FeedEntry>();
        while (subscription.Reader.TryRead(out var entry)) entries.Add(entry);
        return entries;
    }

    private static OutputItem[] Items(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => new OutputItem("a", Line("web", i, i, $"line {i}"))).ToArray();
}
