namespace Chorus.Aggregator.Ingest;

/// <summary>
/// The ingest's half of backpressure (README, Reliability): from half of the output bound, batches are still
/// taken but acknowledgements are withheld, so each node's window fills and it stops sending; at the bound,
/// a batch is turned away and its node is owed a call to resend. Once the output is low again, every node is
/// owed what was withheld.
/// </summary>
public sealed class AckWithholding
{
    private bool _withholding;

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

    /// <summary>The answer to a join says where to resend from, which acknowledges everything before it, withheld or not.</summary>
    public void Joined(NodeLink link) => Settle(link);

    /// <summary>The output is low again: acknowledgements flow, and each link is told what it is owed (and owes nothing after).</summary>
    public List<(NodeLink Link, Owed Owed)> Resume(IEnumerable<NodeLink> links)
    {
        _withholding = false;
        var owed = new List<(NodeLink, Owed)>();
        foreach (var link in links)
        {
            owed.Add((link, link.TurnedAway ? Owed.ResendFrom : link.Acknowledged < link.Sequence.LastTaken ? Owed.Ack : Owed.Nothing));
            Settle(link);
        }
        return owed;
    }

    private static void Settle(NodeLink link)
    {
        link.Acknowledged = link.Sequence.LastTaken;
        link.TurnedAway = false;
    }
}
