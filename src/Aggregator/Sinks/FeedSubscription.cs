using System.Threading.Channels;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// One watcher's view of the <see cref="LiveFeed"/>: a bounded queue that the feed fills and the client's
/// writer loop drains. When the client falls behind by the whole buffer, further items are counted rather
/// than queued, and a gap event with that count goes out as soon as there is room again: the feed never
/// waits for a client, and the client always learns what it missed.
/// </summary>
public sealed class FeedSubscription
{
    private readonly Channel<FeedEntry> _queue;
    private readonly Predicate<OutputItem> _filter;
    private long _missed;

    public FeedSubscription(int capacity, Predicate<OutputItem> filter)
    {
        _queue = Channel.CreateBounded<FeedEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping silently
        });
        _filter = filter;
    }

    public ChannelReader<FeedEntry> Reader => _queue.Reader;

    internal bool Matches(in OutputItem item) => _filter(item);

    /// <summary>Called by the feed, under its lock.</summary>
    internal void Offer(in FeedEntry entry)
    {
        if (_missed > 0)
        {
            if (!_queue.Writer.TryWrite(LiveFeed.Gap(_missed, "slow-client")))
            {
                _missed++;
                return;
            }
            _missed = 0;
        }
        if (!_queue.Writer.TryWrite(entry)) _missed++;
    }

    internal void Complete() => _queue.Writer.TryComplete();
}
