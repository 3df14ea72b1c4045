using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// A part of the merged stream, in order, as runs (<see cref="OutputRun"/>), handed to every sink at once.
/// <see cref="NodeRecords"/> and <see cref="NodeBytes"/> are what it takes off <see cref="Ingest.PendingOutput"/>
/// once a sink is done with it: counted here once, not by each sink.
/// </summary>
public sealed class OutputChunk
{
    public OutputChunk(IReadOnlyList<OutputRun> runs)
    {
        Runs = runs;
        foreach (var run in runs)
        {
            Count += run.Count;
            foreach (ref readonly var record in run)
            {
                // node-up, node-down and task events are the aggregator's own: no batch brought them, so none is pending.
                if (record.IsAggregatorObservation) continue;
                NodeRecords++;
                NodeBytes += record.Text.Length;
            }
        }
    }

    public IReadOnlyList<OutputRun> Runs { get; }

    /// <summary>How many entries, over all runs.</summary>
    public int Count { get; }

    /// <summary>How many records came from nodes, and their text bytes: the aggregator's own events are not counted.</summary>
    public long NodeRecords { get; }
    public long NodeBytes { get; }

    /// <summary>
    /// Items as runs, those next to each other that can share one (same node, correction and late mark, no folding)
    /// put together; their records are copied into one array. For what the line folder lets go (a task run with
    /// --fold), which comes one item at a time.
    /// </summary>
    public static void AddRuns(IReadOnlyList<OutputItem> items, List<OutputRun> runs)
    {
        if (items.Count == 0) return;
        var records = new NodeRecord[items.Count];
        var start = 0;
        for (var i = 0; i < items.Count; i++)
        {
            records[i] = items[i].Record;
            if (i + 1 < items.Count && Joins(items[start], items[i + 1])) continue;
            var first = items[start];
            runs.Add(new OutputRun(first.Node, records, start, i + 1 - start, first.CorrectionTicks, first.Late, first.FoldedNodes, first.FoldedAway));
            start = i + 1;
        }
    }

    private static bool Joins(in OutputItem first, in OutputItem next) =>
        first.FoldedNodes is null && next.FoldedNodes is null && !first.FoldedAway && !next.FoldedAway &&
        first.Node == next.Node && first.CorrectionTicks == next.CorrectionTicks && first.Late == next.Late;
}
