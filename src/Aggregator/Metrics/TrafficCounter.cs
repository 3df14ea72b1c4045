using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;
using Prometheus;

namespace Chorus.Aggregator.Metrics;

/// <summary>
/// The sink that counts what the merged stream carries, for /metrics: lines and their bytes per node and
/// process, missing lines per reason, late lines per node. A sink rather than counters on the ingest path: it
/// runs beside stdout on its own actor, and a record counts once it is merged (the same records ingest
/// accepted, a reorder window later). Lines come in runs from one process, so a run is added to its counter
/// once, not line by line.
/// </summary>
public sealed class TrafficCounter(Counter lines, Counter bytes, Counter gaps, Counter late) : IOutputWriter
{
    public void Write(IReadOnlyList<OutputItem> items)
    {
        string? node = null, process = null;
        long runLines = 0, runBytes = 0;
        foreach (var item in items)
        {
            var record = item.Record;
            if (item.Late) late.WithLabels(item.Node).Inc();
            if (record.Kind == RecordKind.Gap) gaps.WithLabels(record.Reason ?? "unknown").Inc(record.Count);
            if (record.Kind != RecordKind.Line) continue;
            if (!ReferenceEquals(item.Node, node) || !ReferenceEquals(record.Process, process))
            {
                Flush(node, process, runLines, runBytes);
                (node, process, runLines, runBytes) = (item.Node, record.Process, 0, 0);
            }
            // A line cut into pieces for length is one line; its bytes are all of its pieces'.
            if (!record.Continued) runLines++;
            runBytes += record.Text.Length;
        }
        Flush(node, process, runLines, runBytes);
    }

    private void Flush(string? node, string? process, long runLines, long runBytes)
    {
        if (node is null || process is null) return;
        lines.WithLabels(node, process).Inc(runLines);
        bytes.WithLabels(node, process).Inc(runBytes);
    }
}
