namespace Chorus.Aggregator.Ingest;

/// <summary>
/// The ingest's half of backpressure (README, Reliability): from half of the output bound, batches are still
/// taken but acknowledgements are withheld and every answer grants a send window of nothing (the node is held:
/// it neither sends nor resends, and knows the aggregator is alive); at the bound, a batch is turned away and its
/// node is owed a call to resend. Once the output is low again, every node is owed what was withheld, in an
/// order that turns round from one time to the next, so no node is always the first let go.
/// </summary>
public sealed class AckWithholding
{
    private bool _withholding;
    // Where the next resume starts in the list of links: one further each time (round robin).
    private int _resumeStart;

    /// <summary>What a node is owed once the output is low again.</summary>
    public enum Owed { Nothing, Ack, ResendFrom }

    /// <summary>
    /// The output is half full: acknowledgements wait from now on. True when this starts the withholding,
    /// so the caller arranges to hear when the output is low again.
    /// </summary>
    public bool Withhold()
    {
        if (_withholding) return false;
        _withholding = true;
        return true;
    }

    /// <summary>The output is full: this node's batch is not taken, and the node is owed a call to resend.</summary>
    public void TurnAway(NodeLink link) => link.TurnedAway = true;

    /// <summary>What the node may be told we hold: everything taken, unless acknowledgements are withheld.</summary>
    public long Acknowledge(NodeLink link)
    {
        if (!_withholding) link.Acknowledged = link.Sequence.LastTaken;
        return link.Acknowledged;
    }

    /// <summary>
    /// The send window to grant the node with this answer: its <paramref name="share"/>, or nothing while
    /// withholding (the node is then owed a grant once the output is low again, even with nothing else owed).
    /// </summary>
    public int Grant(NodeLink link, int share)
    {
        if (!_withholding) return share;
        link.Held = true;
        return 0;
    }

    /// <summary>The answer to a join says where to resend from, which acknowledges everything before it, withheld or not.</summary>
    public void Joined(NodeLink link) => Settle(link);

    /// <summary>
    /// The output is low again: acknowledgements flow, and each link is told what it is owed (and owes nothing
    /// after). The list starts one link further on each time: the nodes let go first are the first to take room.
    /// </summary>
    public List<(NodeLink Link, Owed Owed)> Resume(IEnumerable<NodeLink> links)
    {
        _withholding = false;
        var all = links.ToList();
        var owed = new List<(NodeLink, Owed)>(all.Count);
        if (all.Count == 0) return owed;
        var start = _resumeStart++ % all.Count;
        for (var i = 0; i < all.Count; i++)
        {
            var link = all[(start + i) % all.Count];
            owed.Add((link, link.TurnedAway ? Owed.ResendFrom : link.Acknowledged < link.Sequence.LastTaken || link.Held ? Owed.Ack : Owed.Nothing));
            Settle(link);
        }
        return owed;
    }

    private static void Settle(NodeLink link)
    {
        link.Acknowledged = link.Sequence.LastTaken;
        link.TurnedAway = false;
        link.Held = false;
    }
}
