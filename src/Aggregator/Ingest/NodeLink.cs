using Akka.Actor;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ingest;

/// <summary>What the aggregator knows of one node: which run of it is current and which batch it expects next.</summary>
public sealed class NodeLink(long incarnation, long nextSeq, string sessionKey)
{
    public long Incarnation { get; } = incarnation;

    /// <summary>Issued at join; everything this node run sends must carry it (see <see cref="SessionKeys"/>).</summary>
    public string SessionKey { get; } = sessionKey;

    /// <summary>The next batch sequence number to accept; anything lower is a repeat, anything higher arrived after a loss.</summary>
    public long NextSeq { get; set; } = nextSeq;

    public bool Up { get; set; }
    public DateTime LastHeard { get; set; }

    /// <summary>The node's uplink, from its last join: where clock probes go.</summary>
    public IActorRef? Uplink { get; set; }

    /// <summary>The node's clock against ours, from probes.</summary>
    public ClockOffsetEstimator Clock { get; } = new();
}
