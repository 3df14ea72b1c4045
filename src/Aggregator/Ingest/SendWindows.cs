namespace Chorus.Aggregator.Ingest;

/// <summary>
/// How many batches each node may have unacknowledged: send-window-total shared out equally among the busy nodes,
/// at least 1 each (a node's own max-unacked-batches caps it on the node). Without it every node took its own
/// window (32) whatever the number of nodes: 100 busy nodes put 3,200 batches in flight at once, more than the
/// output could hold, and the aggregator deserialized the ones it turned away again at every resend (README,
/// Benchmark, Scale). With it the sum of what is in flight stays near the total, however many nodes send.
/// </summary>
/// <remarks>
/// Busy: a node that sent a batch within <see cref="BusyFor"/>, or that is held back now (it would send if it
/// could). Idle nodes take no share, so one busy node among a thousand idle ones still gets the whole total.
/// A node not busy (yet) is granted a start window of <see cref="StartWindow"/>, not a share: when a hundred
/// nodes joined at once and began to send together, each was granted the whole total at its join (no node was
/// busy then), and they put 32 batches each in flight before their first acknowledgement said otherwise.
/// Counted at most every <see cref="RecountEvery"/>, not on every batch: a scan of every node per batch is what
/// made the merge's cost grow with the number of nodes (README, Benchmark).
/// </remarks>
public sealed class SendWindows(int totalBatches)
{
    /// <summary>Twice the nodes' resend-after: a node held back or slowed by its share still counts between two batches.</summary>
    public static readonly TimeSpan BusyFor = TimeSpan.FromSeconds(4);

    /// <summary>Two: what a node sends at once before it is busy (a batch goes out at once while fewer than two are in flight).</summary>
    public const int StartWindow = 2;

    private static readonly TimeSpan RecountEvery = TimeSpan.FromMilliseconds(100);
    private DateTime _countedAt = DateTime.MinValue;
    private int _busy;

    /// <summary>The node sent a batch: it is busy.</summary>
    public void Sent(NodeLink link, DateTime now)
    {
        if (link.LastBatchAt + BusyFor < now) _countedAt = DateTime.MinValue; // a node becomes busy: count again before the next grant
        link.LastBatchAt = now;
    }

    /// <summary>The window to grant <paramref name="link"/> now: a busy node's share of the total, or the start window.</summary>
    public int Grant(NodeLink link, IEnumerable<NodeLink> links, DateTime now)
    {
        if (now - _countedAt >= RecountEvery)
        {
            _busy = links.Count(l => Busy(l, now));
            _countedAt = now;
        }
        var share = Math.Max(1, totalBatches / Math.Max(1, _busy));
        return Busy(link, now) ? share : Math.Min(StartWindow, share);
    }

    private static bool Busy(NodeLink link, DateTime now) => link.Up && (link.Held || link.LastBatchAt + BusyFor >= now);
}
