using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// One watcher's view of the <see cref="LiveFeed"/>: a queue that the feed fills and the client's writer
/// loop drains, bounded by records and by the bytes of their text. When the client falls behind by the
/// whole bound, further items are counted rather than queued, and a gap event with that count takes its
/// place in the stream: before the next item that fits, or as soon as the client has read everything
/// queued before it, whether or not anything more comes. The feed never waits for a client, and the client
/// always learns what it missed.
/// The filter runs on the feed's publishing thread or the subscribing request thread, never under a lock,
/// so a slow grep holds up neither the feed's lock nor this client's reader. Queued text lies in buffers
/// this subscription holds alone unless it took every item of a published run: a narrow filter then pins
/// the lines it kept, not every chunk one of them came in.
/// </summary>
public sealed class FeedSubscription
{
    private readonly Channel<FeedEntry> _queue = Channel.CreateUnbounded<FeedEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Predicate<OutputItem> _filter;
    private readonly int _capacity;
    private readonly long _capacityBytes;
    private readonly Lock _lock = new();
    private readonly List<FeedEntry> _accepted = [];
    // Under _lock: what is queued, and how many items were missed since the last one queued.
    private int _records;
    private long _bytes;
    private long _missed;
    // Under _lock: while the backlog is being picked out, live items wait here (at most a queue's worth).
    private bool _loading = true;
    private readonly List<(List<FeedEntry> Matched, bool WholeRun, byte[]? RunText)> _held = [];
    private int _heldRecords;
    private long _missedWhileLoading;

    public FeedSubscription(int capacity, long capacityBytes, Predicate<OutputItem> filter)
    {
        _capacity = capacity;
        _capacityBytes = capacityBytes;
        _filter = filter;
        Reader = new GapReader(this);
    }

    public ChannelReader<FeedEntry> Reader { get; }

    /// <summary>
    /// A run the feed published, from its publishing thread, outside the feed's lock. <paramref name="runText"/>
    /// holds the text of exactly the run's items.
    /// </summary>
    internal void Offer(FeedEntry[] run, byte[] runText)
    {
        List<FeedEntry> matched = new(run.Length);
        foreach (var entry in run)
            if (_filter(entry.Item)) matched.Add(entry);
        if (matched.Count == 0) return;
        lock (_lock)
        {
            if (_loading)
            {
                Hold(matched, matched.Count == run.Length, runText);
                return;
            }
            Enqueue(matched, matched.Count == run.Length ? runText : null);
        }
    }

    /// <summary>
    /// What the subscriber gets before the live stream: an optional notice (a backlog-overrun gap), then the
    /// backlog entries already picked out, then whatever was published meanwhile.
    /// </summary>
    internal void StartWith(FeedEntry? notice, List<FeedEntry> backlog)
    {
        lock (_lock)
        {
            if (notice is { } first && _records < _capacity)
            {
                _queue.Writer.TryWrite(first);
                _records++;
            }
            Enqueue(backlog, runText: null);
            foreach (var (matched, wholeRun, runText) in _held) Enqueue(matched, wholeRun ? runText : null);
            _missed += _missedWhileLoading;
            if (_missed > 0 && _records == 0)
            {
                // Nothing is queued before the gap, so no read would bring it out: it goes in now.
                _queue.Writer.TryWrite(LiveFeed.Gap(_missed, "slow-client"));
                _records++;
                _missed = 0;
            }
            _held.Clear();
            _loading = false;
        }
    }

    internal void Complete()
    {
        lock (_lock)
        {
            // The queue is unbounded underneath, so a last gap always fits: a client read to the end learns it too.
            if (_missed > 0) _queue.Writer.TryWrite(LiveFeed.Gap(_missed, "slow-client"));
            _missed = 0;
            _queue.Writer.TryComplete();
        }
    }

    private void Hold(List<FeedEntry> matched, bool wholeRun, byte[] runText)
    {
        if (_missedWhileLoading > 0 || _heldRecords + matched.Count > _capacity)
        {
            _missedWhileLoading += matched.Count;
            return;
        }
        _held.Add((matched, wholeRun, runText));
        _heldRecords += matched.Count;
    }

    /// <summary>
    /// Queues what fits, in order, with a gap before the first item after a miss. Text is copied into one
    /// buffer of this subscription's own unless every item of the run went in and <paramref name="runText"/>
    /// is given: then that buffer holds exactly their text.
    /// </summary>
    private void Enqueue(List<FeedEntry> entries, byte[]? runText)
    {
        _accepted.Clear();
        long text = 0;
        var allIn = true;
        foreach (var entry in entries)
        {
            var length = entry.Item.Record.Text.Length;
            if (!HasRoom(_missed > 0 ? 2 : 1, length))
            {
                _missed++;
                allIn = false;
                continue;
            }
            if (_missed > 0)
            {
                _accepted.Add(LiveFeed.Gap(_missed, "slow-client"));
                _records++;
                _missed = 0;
            }
            _accepted.Add(entry);
            _records++;
            _bytes += length;
            text += length;
        }
        var own = allIn && runText is not null ? null : GC.AllocateUninitializedArray<byte>((int)text);
        var offset = 0;
        foreach (var entry in _accepted)
            _queue.Writer.TryWrite(own is null ? entry : CopiedInto(entry, own, ref offset));
    }

    /// <summary>
    /// Room for <paramref name="records"/> more, the last with <paramref name="textBytes"/> of text. An empty
    /// queue takes any one line, so a line longer than the byte bound is still delivered to a client that
    /// keeps up.
    /// </summary>
    private bool HasRoom(int records, int textBytes) =>
        _records + records <= _capacity && (_records == 0 || _bytes + textBytes <= _capacityBytes);

    private static FeedEntry CopiedInto(in FeedEntry entry, byte[] buffer, ref int offset)
    {
        var text = entry.Item.Record.Text;
        if (text.Length == 0) return entry;
        text.Span.CopyTo(buffer.AsSpan(offset));
        var moved = entry with { Item = entry.Item with { Record = entry.Item.Record with { Text = new ReadOnlyMemory<byte>(buffer, offset, text.Length) } } };
        offset += text.Length;
        return moved;
    }

    private bool TryRead([MaybeNullWhen(false)] out FeedEntry entry)
    {
        lock (_lock)
        {
            if (_queue.Reader.TryRead(out entry))
            {
                _bytes -= entry.Item.Record.Text.Length;
                _records--;
                return true;
            }
            // Everything queued has been read, and what was missed came after it: the gap goes now.
            if (_missed > 0)
            {
                entry = LiveFeed.Gap(_missed, "slow-client");
                _missed = 0;
                return true;
            }
            return false;
        }
    }

    /// <summary>The queue's reader, which hands out a pending gap once the queue has run dry.</summary>
    private sealed class GapReader(FeedSubscription subscription) : ChannelReader<FeedEntry>
    {
        public override Task Completion => subscription._queue.Reader.Completion;

        public override bool TryRead([MaybeNullWhen(false)] out FeedEntry item) => subscription.TryRead(out item);

        // A miss needs a full queue, so once the reader has taken the last item before a pending gap, the gap
        // is ready; otherwise waiting for the queue is waiting for the gap too.
        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        {
            lock (subscription._lock)
                if (subscription._missed > 0) return ValueTask.FromResult(true);
            return subscription._queue.Reader.WaitToReadAsync(cancellationToken);
        }
    }
}
