using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Collects records into the next batch and says when it is full, by record count or by bytes of text
/// (Akka.Remote drops frames over its size limit, so bytes matter as much as count).
/// </summary>
public sealed class BatchBuilder(int maxRecords, int maxBytes)
{
    private readonly List<NodeRecord> _records = new(maxRecords);
    private int _bytes;

    public bool IsEmpty => _records.Count == 0;
    public int Count => _records.Count;

    /// <summary>Whether <paramref name="record"/> fits; an empty batch takes any record so nothing is ever refused.</summary>
    public bool Fits(in NodeRecord record) =>
        IsEmpty || (_records.Count < maxRecords && _bytes + record.Text.Length <= maxBytes);

    public void Add(in NodeRecord record)
    {
        _records.Add(record);
        _bytes += record.Text.Length;
    }

    public NodeRecord[] Take()
    {
        var records = _records.ToArray();
        _records.Clear();
        _bytes = 0;
        return records;
    }
}
