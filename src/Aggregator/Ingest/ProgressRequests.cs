namespace Chorus.Aggregator.Ingest;

/// <summary>
/// When to ask a quiet node for its progress. The merge holds a node's lines until every other connected node
/// has reported progress past them; an idle node heartbeats only every heartbeat-interval (1 s), so instead of
/// every node heartbeating fast all the time, the ingest asks the others (a clock probe, which an idle node
/// answers with a heartbeat) when a node's lines arrive. A node is asked at most once per interval: a steady
/// stream from one node asks each other node that often, which is what heartbeating at that interval used to
/// cost, and only while lines flow. A request held back by the interval is made when it runs out
/// (<see cref="NextDue"/>), unless the node has been heard from since the lines arrived.
/// <para>
/// Lines arrive with nearly every batch, so the cost of a batch must not grow with the number of nodes (at
/// 1,000 nodes a look at each one per batch was most of the ingest's own work). The nodes are kept by state
/// instead: those that may be asked at once, those asked within the interval (by when it runs out) and, of
/// those, the ones no other node's lines have arrived for since. A batch touches only the nodes it asks or
/// whose state it changes, each found in O(log n); a node that left or was replaced by its next run is
/// forgotten when it is next met.
/// </para>
/// </summary>
public sealed class ProgressRequests(TimeSpan interval)
{
    // Each node's current run, from its join. A request of an earlier run, or of a node that went down, is dropped when met.
    private readonly Dictionary<string, Request> _current = new();
    // May be asked at once: never asked, or their interval ran out.
    private List<Request> _askable = [];
    // Asked, by when their interval runs out; an entry is for one ask (Request.Asks), later ones make it stale.
    private readonly PriorityQueue<Entry, DateTime> _waiting = new();
    // Asked, and no other node's lines have arrived since: the next lines from another node want them asked again.
    private List<Entry> _unwanted = [];
    // Asked and wanted again, by when the interval allows it: what NextDue reads.
    private readonly PriorityQueue<Entry, DateTime> _wanted = new();
    // The lists a batch fills while it reads the two above, swapped with them: no allocation per batch.
    private List<Request> _spareRequests = [];
    private List<Entry> _spareEntries = [];

    /// <summary>A node run joined (or the same run joined again): from now on it may be asked.</summary>
    public void Joined(string node, NodeLink link)
    {
        if (_current.TryGetValue(node, out var known) && ReferenceEquals(known.Link, link)) return;
        var request = new Request(node, link);
        _current[node] = request;
        _askable.Add(request);
    }

    /// <summary>
    /// Lines of <paramref name="from"/> arrived at <paramref name="now"/>: the other up nodes to ask now. Those asked
    /// too recently are remembered, to be asked once the interval allows (see <see cref="Due"/>).
    /// </summary>
    public List<NodeLink> LinesArrived(NodeLink from, DateTime now)
    {
        // Those whose interval ran out are askable again. A wanted one that is the sender itself stays where it is, as
        // before: Due decides about it (it has just been heard from, so it will not be asked).
        List<(Entry, DateTime)>? setAside = null;
        while (_waiting.TryPeek(out var entry, out var dueAt) && dueAt <= now)
        {
            _waiting.Dequeue();
            var request = entry.Request;
            if (entry.IsStale) continue;
            if (request.WantedSince is not null && ReferenceEquals(request.Link, from)) (setAside ??= []).Add((entry, dueAt));
            else if (!Live(request)) Drop(request);
            else MakeAskable(request);
        }
        foreach (var (entry, dueAt) in setAside ?? []) _waiting.Enqueue(entry, dueAt);

        // Those asked within the interval are wanted again from now, unless these are their own lines.
        var stillUnwanted = _spareEntries;
        foreach (var entry in _unwanted)
        {
            var request = entry.Request;
            if (entry.IsStale || request.WantedSince is not null) continue;
            if (!Live(request)) Drop(request);
            else if (ReferenceEquals(request.Link, from)) stillUnwanted.Add(entry);
            else
            {
                request.WantedSince = now;
                _wanted.Enqueue(entry, request.AskedAt + interval);
            }
        }
        (_unwanted, _spareEntries) = (stillUnwanted, _unwanted);
        _spareEntries.Clear();

        var ask = new List<NodeLink>();
        var stillAskable = _spareRequests;
        foreach (var request in _askable)
        {
            if (!Live(request)) Drop(request);
            else if (ReferenceEquals(request.Link, from)) stillAskable.Add(request);
            else
            {
                AskNow(request, now);
                ask.Add(request.Link);
            }
        }
        (_askable, _spareRequests) = (stillAskable, _askable);
        _spareRequests.Clear();
        return ask;
    }

    /// <summary>When the next held-back request may be made, or null when none waits.</summary>
    public DateTime? NextDue
    {
        get
        {
            while (_wanted.TryPeek(out var entry, out var dueAt))
            {
                if (!entry.IsStale && entry.Request.WantedSince is not null && Live(entry.Request)) return dueAt;
                _wanted.Dequeue();
            }
            return null;
        }
    }

    /// <summary>
    /// The held-back requests due at <paramref name="now"/>: nodes still up and not heard from since the lines
    /// arrived (anything they sent since carries their progress). Forgets the nodes met that are down or were
    /// replaced by their next run.
    /// </summary>
    public List<NodeLink> Due(DateTime now)
    {
        var ask = new List<NodeLink>();
        while (_waiting.TryPeek(out var entry, out var dueAt) && dueAt <= now)
        {
            _waiting.Dequeue();
            var request = entry.Request;
            if (entry.IsStale) continue;
            if (!Live(request)) Drop(request);
            else if (request.WantedSince is { } since && request.Link.LastHeard < since)
            {
                AskNow(request, now);
                ask.Add(request.Link);
            }
            else MakeAskable(request);
        }
        return ask;
    }

    private bool Live(Request request) =>
        request.Link is { Up: true, Uplink: not null } && _current.GetValueOrDefault(request.Node) == request;

    private void AskNow(Request request, DateTime now)
    {
        request.AskedAt = now;
        request.WantedSince = null;
        var entry = new Entry(request, ++request.Asks);
        _waiting.Enqueue(entry, now + interval);
        _unwanted.Add(entry);
    }

    private void MakeAskable(Request request)
    {
        request.WantedSince = null;
        request.Asks++;
        _askable.Add(request);
    }

    private void Drop(Request request)
    {
        request.WantedSince = null;
        request.Asks++;
        if (_current.GetValueOrDefault(request.Node) == request) _current.Remove(request.Node);
    }

    private sealed class Request(string node, NodeLink link)
    {
        public string Node { get; } = node;
        public NodeLink Link { get; } = link;
        public DateTime AskedAt { get; set; } = DateTime.MinValue;
        // Lines of another node arrived while this node could not be asked yet.
        public DateTime? WantedSince { get; set; }
        // Counts the request's changes of state: queue entries made before the last one are stale.
        public long Asks { get; set; }
    }

    private readonly record struct Entry(Request Request, long Asks)
    {
        public bool IsStale => Request.Asks != Asks;
    }
}
