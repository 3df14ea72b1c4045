using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Collects records into the next batch (a <see cref="RecordBlock"/>: each line's text copied once into the batch's
/// buffer) and says when it is full, by record count or by bytes of text (Akka.Remote drops frames over its size
/// limit, so bytes matter as much as count).
/// </summary>
public sealed class BatchBuilder(int maxRecords, int maxBytes)
{
    private readonly RecordBlockBuilder _records = new();

    public bool IsEmpty => _records.IsEmpty;
    public int Count => _records.Count;

    /// <summary>Whether a record of <paramref name="textLength"/> bytes fits; an empty batch takes any record so nothing is ever refused.</summary>
    public bool Fits(int textLength) =>
        IsEmpty || (_records.Count < maxRecords && _records.TextBytes + textLength <= maxBytes);

    public void AddLine(string process, OutputStream stream, long seq, DateTime timestamp, ReadOnlySpan<byte> text, bool continued, bool afterExit) =>
        _records.AddLine(process, stream, seq, timestamp, text, continued, afterExit);

    public void Add(in NodeRecord record) => _records.Add(record);

    public RecordBlock Take() => _records.Build();
}
