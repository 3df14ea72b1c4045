namespace Chorus.Messages.Serialization;

/// <summary>
/// The binary layout of a <see cref="LineBatch"/>, the bulk of all traffic. Process names are written once
/// per batch and then referred to by index; timestamps are signed deltas from the previous record (records
/// are in time order, so the deltas are small). Written from a <see cref="RecordBlock"/>'s columns and read back
/// into one: a line's text is read back as a slice of the received frame, never copied, and checked to be valid UTF-8.
/// </summary>
internal static class LineBatchFormat
{
    // The line's flags byte is RecordBlock's: the stream, ContinuedFlag (0x80) and AfterExitFlag (0x40), added later
    // in the same byte, so a batch without after-exit lines is byte for byte what it was before.

    // A record's kind and process index, at most 1 + 5 bytes; a line's fields after them and before its text, at most
    // time delta 10, flags 1, seq 10 and text length 5.
    private const int HeadBytes = 6;
    private const int LineFieldBytes = 26;

    // Larger scratch buffers are not kept: a thread holds at most this much between batches.
    private const int LargestScratch = 1 << 20;

    // Each thread that serializes batches (remoting's writer, the node's spool) writes into a buffer of its own, kept
    // between batches: a batch then allocates its bytes once, not an estimate of their size and then the bytes.
    [ThreadStatic] private static byte[]? _scratch;

    public static byte[] Serialize(LineBatch batch)
    {
        var block = RecordBlock.Of(batch.Records);
        // Names and event fields may grow it.
        var size = 64 + batch.Node.Length + block.TextBytes + (long)(HeadBytes + LineFieldBytes) * block.Count;
        var writer = new WireWriter(_scratch is { } scratch && scratch.Length >= size ? scratch : GC.AllocateUninitializedArray<byte>((int)Math.Min(size, Array.MaxLength)));

        writer.WriteString(batch.Node);
        writer.WriteInt64(batch.Incarnation);
        writer.WriteVarint((ulong)batch.Seq);
        writer.WriteInt64(batch.Watermark.Ticks);
        writer.WriteString(batch.SessionKey);
        writer.WriteVarint((ulong)block.Count);
        if (!block.Encoded.IsEmpty && block.EncodedWatermarkTicks == batch.Watermark.Ticks) writer.WriteRaw(block.Encoded.Span);
        else WriteRecords(writer, block, batch.Watermark.Ticks);
        var bytes = writer.ToArray();
        _scratch = writer.Scratch.Length <= LargestScratch ? writer.Scratch : null;
        return bytes;
    }

    // From the columns: a line is its fixed fields and a copy of its text; only events are read as records.
    private static void WriteRecords(WireWriter writer, RecordBlock block, long watermarkTicks)
    {
        var kinds = block.Kinds.AsSpan(0, block.Count);
        var processes = block.Processes;
        var ticks = block.Ticks;
        var flags = block.Flags;
        var seqs = block.Seqs;
        var starts = block.Starts;
        var lengths = block.Lengths;
        var text = block.Text;
        var namesWritten = 0;
        var previousTicks = watermarkTicks;
        for (var i = 0; i < kinds.Length; i++)
        {
            // Fields written in place into room checked once (Reserve), not a check per field: nearly every record is a line.
            var head = writer.Reserve(HeadBytes);
            head[0] = kinds[i];
            var at = 1;
            WireWriter.PutVarint(head, ref at, (ulong)processes[i]);
            writer.Advance(at);
            // The block's name table is in the order names were first used, the wire's order: its index is the wire's.
            if (processes[i] > namesWritten) writer.WriteString(block.Names[namesWritten++]);
            var delta = ZigZag(ticks[i] - previousTicks);
            previousTicks = ticks[i];
            if (kinds[i] != (byte)RecordKind.Line)
            {
                writer.WriteVarint(delta);
                WriteEvent(writer, block.Events[seqs[i]]);
                continue;
            }
            var line = text.AsSpan(starts[i], lengths[i]);
            var rest = writer.Reserve(LineFieldBytes + line.Length);
            at = 0;
            WireWriter.PutVarint(rest, ref at, delta);
            rest[at++] = flags[i];
            WireWriter.PutVarint(rest, ref at, (ulong)seqs[i]);
            WireWriter.PutVarint(rest, ref at, (ulong)line.Length);
            line.CopyTo(rest[at..]);
            writer.Advance(at + line.Length);
        }
    }

    private static void WriteEvent(WireWriter writer, in NodeRecord record)
    {
        switch (record.Kind)
        {
            case RecordKind.Started:
                writer.WriteInt32(record.Pid);
                break;
            case RecordKind.Exited:
                writer.WriteOptionalInt32(record.ExitCode);
                writer.WriteOptionalInt32(record.Signal);
                break;
            case RecordKind.Gap:
                writer.WriteVarint((ulong)record.Count);
                writer.WriteString(record.Reason ?? "");
                break;
            case RecordKind.Ready:
                break;
            case RecordKind.Restarting:
                writer.WriteVarint((ulong)record.Count);
                writer.WriteVarint((ulong)record.DelayMs);
                break;
            case RecordKind.GivenUp or RecordKind.Waiting:
                writer.WriteString(record.Reason ?? "");
                break;
            case RecordKind.Scaled:
                writer.WriteVarint((ulong)record.Count);
                break;
            default:
                throw new InvalidOperationException($"A node never sends {record.Kind} records.");
        }
    }

    /// <param name="keepEncoded">
    /// Keep the records' bytes with them (<see cref="RecordBlock.Encoded"/>), so the batch can be sent again as it was read.
    /// </param>
    public static LineBatch Deserialize(byte[] frame, bool keepEncoded = false)
    {
        var reader = new WireReader(frame);
        var node = reader.ReadString();
        var incarnation = reader.ReadInt64();
        var seq = (long)reader.ReadVarint();
        var watermark = WireTime.FromTicks(reader.ReadInt64());
        var sessionKey = reader.ReadString();
        var count = reader.ReadVarint();
        // Each record takes at least 3 bytes, so a larger count is a lie: refuse before allocating.
        if (count > (ulong)reader.Remaining / 3)
            throw new FormatException($"record count {count} does not fit in {frame.Length} bytes");

        var recordsStart = frame.Length - reader.Remaining;
        var n = (int)count;
        // Each record's every column is written below, so the columns need not be zeroed first.
        var starts = GC.AllocateUninitializedArray<int>(n);
        var lengths = GC.AllocateUninitializedArray<int>(n);
        var kinds = GC.AllocateUninitializedArray<byte>(n);
        var processes = GC.AllocateUninitializedArray<int>(n);
        var flags = GC.AllocateUninitializedArray<byte>(n);
        var seqs = GC.AllocateUninitializedArray<long>(n);
        var ticks = GC.AllocateUninitializedArray<long>(n);
        var names = new List<string>();
        var events = new List<NodeRecord>();
        long textBytes = 0;
        var previousTicks = watermark.Ticks;
        for (var i = 0; i < n; i++)
        {
            var kind = (RecordKind)reader.ReadByte();
            var process = ReadProcess(ref reader, names);
            previousTicks += UnZigZag(reader.ReadVarint());
            var timestamp = WireTime.FromTicks(previousTicks);
            kinds[i] = (byte)kind;
            processes[i] = process;
            ticks[i] = previousTicks;
            if (kind == RecordKind.Line)
            {
                Required(process, kind);
                flags[i] = ReadLineFlags(ref reader);
                seqs[i] = (long)reader.ReadVarint();
                (starts[i], lengths[i]) = reader.ReadSlice();
                if (!System.Text.Unicode.Utf8.IsValid(frame.AsSpan(starts[i], lengths[i])))
                    throw new FormatException("line text is not valid UTF-8");
                textBytes += lengths[i];
                continue;
            }
            var name = process == RecordBlock.NoProcess ? null : names[process - 1];
            (starts[i], lengths[i], flags[i]) = (0, 0, 0);
            seqs[i] = events.Count;
            events.Add(kind switch
            {
                RecordKind.Started => NodeRecord.Started(Required(name, kind), reader.ReadInt32(), timestamp),
                RecordKind.Exited => NodeRecord.Exited(Required(name, kind), reader.ReadOptionalInt32(), reader.ReadOptionalInt32(), timestamp),
                RecordKind.Gap => NodeRecord.Gap(name, (long)reader.ReadVarint(), reader.ReadString(), timestamp),
                RecordKind.Ready => NodeRecord.Ready(Required(name, kind), timestamp),
                RecordKind.Restarting => NodeRecord.Restarting(Required(name, kind), (long)reader.ReadVarint(), ReadDelay(ref reader), timestamp),
                RecordKind.GivenUp => NodeRecord.GivenUp(Required(name, kind), reader.ReadString(), timestamp),
                RecordKind.Scaled => NodeRecord.Scaled(Required(name, kind), (long)reader.ReadVarint(), timestamp),
                RecordKind.Waiting => NodeRecord.Waiting(Required(name, kind), reader.ReadString(), timestamp),
                _ => throw new FormatException($"record kind {(byte)kind} is not sent by nodes"),
            });
        }
        if (!reader.AtEnd) throw new FormatException($"{reader.Remaining} bytes follow the last record");
        var block = new RecordBlock(n, frame, starts, lengths, kinds, processes, flags, seqs, ticks, names.ToArray(), events.ToArray(), textBytes);
        if (keepEncoded) block = block.WithEncoded(frame.AsMemory(recordsStart), watermark.Ticks);
        return new LineBatch(node, incarnation, seq, watermark, block, sessionKey);
    }

    private static byte ReadLineFlags(ref WireReader reader)
    {
        var flags = reader.ReadByte();
        var stream = (OutputStream)(flags & RecordBlock.StreamMask);
        if (stream is not (OutputStream.Stdout or OutputStream.Stderr))
            throw new FormatException($"stream {(byte)stream} is neither stdout nor stderr");
        return flags;
    }

    // 1 + the name's index in the table, or NoProcess: the block's process column as it is on the wire.
    private static int ReadProcess(ref WireReader reader, List<string> table)
    {
        var index = reader.ReadVarint();
        if (index == RecordBlock.NoProcess) return RecordBlock.NoProcess;
        if (index <= (ulong)table.Count) return (int)index;
        if (index != (ulong)table.Count + 1) throw new FormatException($"process index {index} skips ahead of the name table");
        table.Add(reader.ReadString());
        return table.Count;
    }

    private static string Required(string? process, RecordKind kind) =>
        process ?? throw new FormatException($"a {kind} record must name its process");

    private static void Required(int process, RecordKind kind)
    {
        if (process == RecordBlock.NoProcess) throw new FormatException($"a {kind} record must name its process");
    }

    private static int ReadDelay(ref WireReader reader)
    {
        var delay = reader.ReadVarint();
        return delay <= int.MaxValue ? (int)delay : throw new FormatException($"restart delay {delay} ms is out of range");
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
