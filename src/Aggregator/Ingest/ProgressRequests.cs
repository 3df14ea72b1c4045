namespace Chorus.Aggregator.Ingest;

/// <summary>
/// When to ask a quiet node for its progress. The merge holds a node's lines until every other connected node
/// has reported progress past them; an idle node heartbeats only every heartbeat-interval (1 s), so instead of
/// every node heartbeating fast all the time, the ingest asks the others (a clock probe, which an idle node
/// answers with a heartbeat) when a node's lines arrive. A node is asked at most once per interval: a steady
/// stream from one node asks each other node that often, which is what heartbeating at that interval used to
/// cost, and only while lines flow. A request held back by the interval is made when it runs out
/// (<see cref="NextDue"/>), unless the node has been heard from since the lines arrived.
/// </summary>
public sealed class ProgressRequests(TimeSpan interval)
{
    private readonly Dictionary<NodeLink, Request> _requests = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Lines of <paramref name="from"/> arrived at <paramref name="now"/>: the other up nodes to ask now. Those asked
    /// too recently are remembered, to be asked once the interval allows (see <see cref="Due"/>).
    /// </summary>
    public List<NodeLink> LinesArrived(IEnumerable<NodeLink> links, NodeLink from, DateTime now)
    {
        var ask = new List<NodeLink>();
        foreach (var link in links)
        {
            if (ReferenceEquals(link, from) || !link.Up || link.Uplink is null) continue;
            var request = _requests.TryGetValue(link, out var known) ? known : _requests[link] = new Request();
            if (now - request.AskedAt >= interval)
            {
                request.AskedAt = now;
                request.WantedSince = null;
                ask.Add(link);
            }
            else request.WantedSince ??= now;
        }
        return ask;
    }

    /// <summary>When the next held-back request may be made, or null when none waits.</summary>
    public DateTime? NextDue
    {
        get
        {
            DateTime? next = null;
            foreach (var request in _requests.Values)
                if (request.WantedSince is not null && (next is null || request.AskedAt + interval < next)) next = request.AskedAt + interval;
            return next;
        }
    }

    /// <summary>
    /// The held-back requests due at <paramref name="now"/>: nodes still up and not heard from since the lines
    /// arrived (anything they sent since carries their progress). Forgets links that are down or were replaced
    /// by a node's next run (not among <paramref name="links"/>).
    /// </summary>
    public List<NodeLink> Due(IEnumerable<NodeLink> links, DateTime now)
    {
        var current = links.ToHashSet(ReferenceEqualityComparer.Instance);
        var ask = new List<NodeLink>();
        foreach (var (link, request) in _requests)
        {
            if (!link.Up || !current.Contains(link)) _requests.Remove(link);
            else if (request.WantedSince is { } since && now - request.AskedAt >= interval)
            {
                request.WantedSince = null;
                if (link.LastHeard >= since) continue;
                request.AskedAt = now;
                ask.Add(link);
            }
        }
        return ask;
    }

    private sealed class Request
    {
        public DateTime AskedAt { get; set; } = DateTime.MinValue;
        // Lines of another node arrived while this node could not be asked yet.
        public DateTime? WantedSince { get; set; }
    }
}
