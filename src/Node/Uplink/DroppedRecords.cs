using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// What was dropped to keep the node's buffers bounded: how many lines per process, and the events among
/// them, which are kept. Turned into one batch of gap records (plus those events) that takes the dropped
/// batches' place in the stream, so the output says exactly what is missing.
/// </summary>
public sealed class DroppedRecords
{
    private readonly Dictionary<string, (long Count, DateTime Last)> _lines = new();
    private readonly List<NodeRecord> _events = [];

    public bool IsEmpty => _lines.Count == 0 && _events.Count == 0;

    public void Add(LineBatch batch)
    {
        foreach (var record in batch.Records) Add(record);
    }

    /// <summary>Takes in what another one counted (dropped right next to what this one holds).</summary>
    public void Add(DroppedRecords other)
    {
        foreach (var (process, (count, last)) in other._lines)
        {
            var (mine, myLast) = _lines.GetValueOrDefault(process);
            _lines[process] = (mine + count, myLast > last ? myLast : last);
        }
        _events.AddRange(other._events);
    }

    public void Add(in NodeRecord record)
    {
        if (record.Kind == RecordKind.Line)
        {
            var process = record.Process!;
            _lines[process] = (_lines.GetValueOrDefault(process).Count + 1, record.Timestamp);
        }
        else if (record.Kind == RecordKind.Gap && record.Process is { } process)
        {
            // A gap dropped again is merged, so the count stays exact.
            _lines[process] = (_lines.GetValueOrDefault(process).Count + record.Count, record.Timestamp);
        }
        else _events.Add(record);
    }

    /// <summary>Gap records (one per process, at the time of its last dropped line) and the kept events, in time order.</summary>
    public NodeRecord[] TakeRecords(string reason)
    {
        var records = _lines.Select(l => NodeRecord.Gap(l.Key, l.Value.Count, reason, l.Value.Last))
            .Concat(_events)
            .OrderBy(r => r.Timestamp)
            .ToArray();
        _lines.Clear();
        _events.Clear();
        return records;
    }
}
