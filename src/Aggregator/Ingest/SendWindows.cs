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
/// Counted at most every <see cref="RecountEvery"/>, not on every batch: a scan of every node per batch is what
/// made the merge's cost grow with the number of nodes (README, Benchmark).
/// </remarks>
public sealed class SendWindows(int totalBatches)
{
    /// <summary>Twice the nodes' resend-after: a node held back or slowed by its share still counts between two batches.</summary>
    public static readonly TimeSpan BusyFor = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan RecountEvery = TimeSpan.FromMilliseconds(100);
    private DateTime _countedAt = DateTime.MinValue;
    private int _busy;

    /// <summary>The node sent a batch: it is busy.</summary>
    public void Sent(NodeLink link, DateTime now)
    {
        if (link.LastBatchAt + BusyFor < now) _countedAt = DateTime.MinValue; // a node becomes busy: count again before the next grant
        link.LastBatchAt = now;
    }

    /// <summary>Each busy node's share of the total now.</summary>
    public int Share(IEnumerable<NodeLink> links, DateTime now)
    {
        if (now - _countedAt >= RecountEvery)
        {
            _busy = links.Count(l => l.Up && (l.Held || l.LastBatchAt + BusyFor >= now));
            _countedAt = now;
        }
        return Math.Max(1, totalBatches / Math.Max(1, _busy));
    }
}
