using Chorus.Hosting.Security;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// The nodes the ingest knows, one <see cref="NodeLink"/> per name for the node's current run: which run a
/// message belongs to and whether it carries that run's session key, when a node counts as down, and when a
/// down one is forgotten. Bounded: at most max-nodes links are up (see <see cref="JoinPolicy"/>), and at
/// most max-nodes down ones are remembered, each for forget-down-node-after. Each run's clock is probed on a schedule
/// of its own (<see cref="ClockProbeSchedule"/>, from clock-probe-interval and clock-probe-interval-idle).
/// </summary>
public sealed class NodeLinks(int maxNodes, TimeSpan nodeTimeout, TimeSpan forgetDownAfter, TimeSpan clockProbeInterval, TimeSpan clockProbeIntervalIdle)
{
    private readonly Dictionary<string, NodeLink> _links = new();
    private readonly List<string> _forgotten = [];

    /// <summary>Who a message claiming a node run comes from, as far as the ingest can tell.</summary>
    public enum Heard
    {
        /// <summary>The current run of a node that is up: the message is taken.</summary>
        Current,
        /// <summary>An earlier run of a node that restarted, with messages still in flight: dropped, not forged.</summary>
        Stale,
        /// <summary>Without the run's session key, or for a node never joined: a peer that never joined is sending.</summary>
        Forged,
        /// <summary>The node is down; it will join again.</summary>
        Down,
    }

    public IEnumerable<NodeLink> All => _links.Values;

    public IEnumerable<KeyValuePair<string, NodeLink>> Named => _links;

    public int UpCount => _links.Values.Count(l => l.Up);

    public NodeLink? Find(string node) => _links.GetValueOrDefault(node);

    /// <summary>
    /// A run restored from the archive: down (it takes no room), its batches up to <paramref name="lastBatch"/>
    /// known as repeats, and a fresh key (this is a new aggregator: its node re-joins and receives it).
    /// </summary>
    public void Restore(string node, long incarnation, long lastBatch, DateTime now) =>
        _links[node] = new NodeLink(incarnation, lastBatch + 1, SessionKeys.New()) { DownSince = now, ClockProbes = NewClockProbes() };

    /// <summary>
    /// A run not known yet replaces whatever was known of the node: what the old run did not deliver is gone
    /// with it. A new name first makes room: at most max-nodes - 1 down links stay remembered, the oldest go first.
    /// </summary>
    public NodeLink StartRun(string node, long incarnation, long firstSeq)
    {
        if (!_links.ContainsKey(node)) ForgetOldestDownBeyond(maxNodes - 1);
        return _links[node] = new NodeLink(incarnation, firstSeq, SessionKeys.New()) { ClockProbes = NewClockProbes() };
    }

    private ClockProbeSchedule NewClockProbes() => new(clockProbeInterval, clockProbeIntervalIdle);

    /// <summary>
    /// Which link a message claiming <paramref name="node"/>'s run <paramref name="incarnation"/> belongs to; a
    /// message from the current run of an up node is a sign of life.
    /// </summary>
    public Heard Hear(string node, long incarnation, string sessionKey, DateTime now, out NodeLink link)
    {
        var known = _links.TryGetValue(node, out link!);
        if (known && link.Incarnation != incarnation) return Heard.Stale;
        if (!known || !SessionKeys.Same(link.SessionKey, sessionKey)) return Heard.Forged;
        if (!link.Up) return Heard.Down;
        link.LastHeard = now;
        return Heard.Current;
    }

    /// <summary>
    /// Forgets the links down for longer than forget-down-node-after, then takes down every up link not heard
    /// from for the node timeout. Returns the nodes it took down.
    /// </summary>
    public List<string> CheckLiveness(DateTime now)
    {
        foreach (var (node, link) in _links)
            if (!link.Up && link.DownSince < now - forgetDownAfter) Forget(node);
        var silent = new List<string>();
        foreach (var (node, link) in _links)
        {
            if (!link.Up || link.LastHeard > now - nodeTimeout) continue;
            link.GoDown(now);
            silent.Add(node);
        }
        return silent;
    }

    private void ForgetOldestDownBeyond(int keep)
    {
        var down = _links.Where(l => !l.Value.Up).ToList();
        if (down.Count <= keep) return;
        foreach (var (node, _) in down.OrderBy(l => l.Value.DownSince).Take(down.Count - keep))
            Forget(node);
    }

    /// <summary>The nodes forgotten since the last call: what else the aggregator holds of them can go too.</summary>
    public IReadOnlyList<string> TakeForgotten()
    {
        if (_forgotten.Count == 0) return [];
        var forgotten = _forgotten.ToArray();
        _forgotten.Clear();
        return forgotten;
    }

    private void Forget(string node)
    {
        _links.Remove(node);
        _forgotten.Add(node);
    }
}
