using Akka.Actor;
using Chorus.Hosting.Security;

namespace Chorus.Aggregator.Ingest;

/// <summary>What the aggregator knows of one node: which run of it is current and which batch it expects next.</summary>
public sealed class NodeLink(long incarnation, long nextSeq, string sessionKey)
{
    public long Incarnation { get; } = incarnation;

    /// <summary>Issued at join; everything this node run sends must carry it (see <see cref="SessionKeys"/>).</summary>
    public string SessionKey { get; } = sessionKey;

    /// <summary>Which batch is taken next; anything lower is a repeat, anything higher arrived after a loss.</summary>
    public BatchSequence Sequence { get; } = new(nextSeq);

    /// <summary>
    /// The last batch this node was told the aggregator holds. Below <see cref="BatchSequence.LastTaken"/> while
    /// acknowledgements are withheld (<see cref="AckWithholding"/>).
    /// </summary>
    public long Acknowledged { get; set; } = nextSeq - 1;

    /// <summary>A batch of this node was turned away while pending output was at its bound: it is told to resend once there is room.</summary>
    public bool TurnedAway { get; set; }

    /// <summary>The node was last granted a send window of nothing (<see cref="AckWithholding"/>): it is owed a grant once there is room.</summary>
    public bool Held { get; set; }

    /// <summary>When the node last sent a batch: it shares the send windows while it is busy (<see cref="SendWindows"/>).</summary>
    public DateTime LastBatchAt { get; set; } = DateTime.MinValue;

    public bool Up { get; set; }
    public DateTime LastHeard { get; set; }

    /// <summary>When it last went down (or was restored from the archive): down links are forgotten after a while.</summary>
    public DateTime DownSince { get; set; }

    /// <summary>The node's uplink, from its last join: where clock probes and the answers owed after withholding go.</summary>
    public IActorRef? Uplink { get; set; }

    /// <summary>Bytes of lines in the node's spool, as its last <see cref="Messages.SpoolReport"/> said.</summary>
    public long SpooledBytes { get; set; }

    /// <summary>The node's clock against ours, from probes.</summary>
    public ClockOffsetEstimator Clock { get; } = new();

    /// <summary>When its clock is probed next: often while its lines arrive, rarely while it is quiet (null: at every probe round).</summary>
    public ClockProbeSchedule? ClockProbes { get; init; }

    /// <summary>The node left or fell silent: it takes no room, and is forgotten forget-down-node-after from now.</summary>
    public void GoDown(DateTime now)
    {
        Up = false;
        DownSince = now;
    }
}
