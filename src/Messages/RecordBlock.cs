using System.Collections;
using System.Runtime.CompilerServices;

namespace Chorus.Messages;

/// <summary>
/// A batch's records as columns (struct of arrays): the lines' texts in one byte buffer, each line's place in it,
/// and one small array per fixed field (kind, process as an index into a name table, stream and flags, seq,
/// timestamp ticks). Events, rare, are kept whole beside the columns. A line costs ~30 bytes of columns plus its
/// text, against a ~100-byte <see cref="NodeRecord"/> per line, and the serializer and ingest walk the columns
/// without building a record. Every other reader sees an <see cref="IReadOnlyList{NodeRecord}"/>: the indexer
/// builds the record, its text a slice of the buffer.
/// </summary>
/// <remarks>
/// The node builds one with <see cref="RecordBlockBuilder"/> (each line's text copied into the buffer once); the
/// aggregator reads one from a frame (the buffer is the frame, the texts its slices). Read back from the node's
/// spool, it keeps its wire bytes (<see cref="Encoded"/>), so it is sent again as it was stored. The aggregator's merge
/// keeps it as it came and reads it through its columns and indexer (<c>BatchRecords</c>), never copying it.
/// </remarks>
public sealed class RecordBlock : IReadOnlyList<NodeRecord>
{
    // The flags byte is the wire's (LineBatchFormat): the stream in the low bits, then these.
    internal const byte ContinuedFlag = 0x80;
    internal const byte AfterExitFlag = 0x40;
    internal const byte StreamMask = 0x3F;

    /// <summary>The process column's value for a record that names no process; others are 1 + an index into the name table.</summary>
    internal const int NoProcess = 0;

    internal RecordBlock(int count, byte[] text, int[] starts, int[] lengths, byte[] kinds, int[] processes, byte[] flags,
        long[] seqs, long[] ticks, string[] names, NodeRecord[] events, long textBytes)
    {
        Count = count;
        Text = text;
        Starts = starts;
        Lengths = lengths;
        Kinds = kinds;
        Processes = processes;
        Flags = flags;
        Seqs = seqs;
        Ticks = ticks;
        Names = names;
        Events = events;
        TextBytes = textBytes;
    }

    public int Count { get; }

    /// <summary>Bytes of text of all the records: what the batch and pending-output bounds count.</summary>
    public long TextBytes { get; }

    /// <summary>Every record's timestamp, as UTC ticks, in order: for checks over a whole batch without building records.</summary>
    public ReadOnlySpan<long> TimestampTicks => Ticks.AsSpan(0, Count);

    /// <summary>
    /// The records as encoded on the wire after the batch's record count (empty unless read back from stored bytes),
    /// and the watermark they were encoded against: record timestamps are deltas from it, so the bytes serve only a
    /// batch with that watermark.
    /// </summary>
    public ReadOnlyMemory<byte> Encoded { get; private init; }

    internal long EncodedWatermarkTicks { get; private init; }

    internal byte[] Text { get; }
    internal int[] Starts { get; }
    internal int[] Lengths { get; }
    internal byte[] Kinds { get; }
    internal int[] Processes { get; }
    internal byte[] Flags { get; }
    // For an event, the index of the whole record in Events.
    internal long[] Seqs { get; }
    internal long[] Ticks { get; }
    internal string[] Names { get; }
    internal NodeRecord[] Events { get; }

    internal RecordBlock WithEncoded(ReadOnlyMemory<byte> encoded, long watermarkTicks) =>
        new(Count, Text, Starts, Lengths, Kinds, Processes, Flags, Seqs, Ticks, Names, Events, TextBytes)
        {
            Encoded = encoded,
            EncodedWatermarkTicks = watermarkTicks,
        };

    /// <summary>The records as a block: <paramref name="records"/> itself when it is one, else a copy (texts copied too).</summary>
    public static RecordBlock Of(IReadOnlyList<NodeRecord> records)
    {
        if (records is RecordBlock block) return block;
        var builder = new RecordBlockBuilder(records.Count);
        foreach (var record in records) builder.Add(record);
        return builder.Build();
    }

    /// <summary>What record <paramref name="index"/> reports, read from its column without building the record.</summary>
    public RecordKind KindAt(int index)
    {
        if ((uint)index >= (uint)Count) ThrowOutside(index);
        return (RecordKind)Kinds[index];
    }

    public NodeRecord this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Count) ThrowOutside(index);
            if (Kinds[index] != (byte)RecordKind.Line) return Events[Seqs[index]];
            var flags = Flags[index];
            return NodeRecord.Line(Names[Processes[index] - 1], (OutputStream)(flags & StreamMask), Seqs[index],
                new DateTime(Ticks[index], DateTimeKind.Utc), new ReadOnlyMemory<byte>(Text, Starts[index], Lengths[index]),
                (flags & ContinuedFlag) != 0, (flags & AfterExitFlag) != 0);
        }
    }

    public IEnumerator<NodeRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Apart from the indexer, so the indexer stays small enough to be inlined into the loops that read records.
    private void ThrowOutside(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"the block holds {Count} records");
}
