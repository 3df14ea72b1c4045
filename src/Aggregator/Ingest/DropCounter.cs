namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Counts messages dropped per claimed node and says when a warning is due: at most one per node per
/// interval (drop-log-interval), carrying the count since the last one. A flood of forged messages must not
/// become a flood of log lines, and forged node names must not grow memory: past <paramref name="maxNames"/>
/// names (max-nodes), the rest share one entry.
/// </summary>
public sealed class DropCounter(TimeSpan interval, int maxNames)
{
    private const string Others = "(other names)";
    private readonly Dictionary<string, (long Count, DateTime LastReport)> _byNode = new();

    /// <summary>Counts one drop; returns how many to report now, or 0 when the last report was too recent.</summary>
    public long Count(string node, DateTime now)
    {
        if (!_byNode.ContainsKey(node) && _byNode.Count >= maxNames) node = Others;
        var (count, lastReport) = _byNode.GetValueOrDefault(node, (0, DateTime.MinValue));
        count++;
        if (now - lastReport < interval)
        {
            _byNode[node] = (count, lastReport);
            return 0;
        }
        _byNode[node] = (0, now);
        return count;
    }
}
