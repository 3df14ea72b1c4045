namespace Chorus.Messages.Serialization;

/// <summary>
/// The binary layout of a <see cref="LineBatch"/>, the bulk of all traffic. Process names are written once
/// per batch and then referred to by index; timestamps are signed deltas from the previous record (records
/// are in time order, so the deltas are small). A line's text is read back as a slice of the received
/// frame, never copied, and checked to be valid UTF-8.
/// </summary>
internal static class LineBatchFormat
{
    private const int NoProcess = 0;
    private const byte ContinuedFlag = 0x80;
    // Added later in the same byte: a batch without after-exit lines is byte for byte what it was before.
    private const byte AfterExitFlag = 0x40;

    // Larger scratch buffers are not kept: a thread holds at most this much between batches.
    private const int LargestScratch = 1 << 20;

    // Each thread that serializes batches (remoting's writer, the node's spool) writes into a buffer of its own, kept
    // between batches: a batch then allocates its bytes once, not an estimate of their size and then the bytes.
    [ThreadStatic] private static byte[]? _scratch;

    public static byte[] Serialize(LineBatch batch)
    {
        var records = AsSpan(batch.Records);
        var size = 64 + batch.Node.Length;
        foreach (ref readonly var record in records) size += record.Text.Length + 16;
        var writer = new WireWriter(_scratch is { } scratch && scratch.Length >= size ? scratch : GC.AllocateUninitializedArray<byte>(size));

        writer.WriteString(batch.Node);
        writer.WriteInt64(batch.Incarnation);
        writer.WriteVarint((ulong)batch.Seq);
        writer.WriteInt64(batch.Watermark.Ticks);
        writer.WriteString(batch.SessionKey);
        writer.WriteVarint((ulong)records.Length);
        if (batch.Records is EncodedRecords stored && stored.WatermarkTicks == batch.Watermark.Ticks) writer.WriteRaw(stored.Encoded.Span);
        else WriteRecords(writer, records, batch.Watermark.Ticks);
        var bytes = writer.ToArray();
        _scratch = writer.Scratch.Length <= LargestScratch ? writer.Scratch : null;
        return bytes;
    }

    private static void WriteRecords(WireWriter writer, ReadOnlySpan<NodeRecord> records, long watermarkTicks)
    {
        var processes = new List<string>();
        var previousTicks = watermarkTicks;
        foreach (ref readonly var record in records)
        {
            writer.WriteByte((byte)record.Kind);
            WriteProcess(writer, record.Process, processes);
            writer.WriteVarint(ZigZag(record.Timestamp.Ticks - previousTicks));
            previousTicks = record.Timestamp.Ticks;
            switch (record.Kind)
            {
                case RecordKind.Line:
                    writer.WriteByte((byte)((byte)record.Stream | (record.Continued ? ContinuedFlag : 0) | (record.AfterExit ? AfterExitFlag : 0)));
                    writer.WriteVarint((ulong)record.Seq);
                    writer.WriteBytes(record.Text.Span);
                    break;
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
    }

    /// <param name="keepEncoded">
    /// Keep the records' bytes with them (<see cref="EncodedRecords"/>), so the batch can be sent again as it was read.
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
        var processes = new List<string>();
        var records = new NodeRecord[count];
        var previousTicks = watermark.Ticks;
        for (var i = 0; i < records.Length; i++)
        {
            var kind = (RecordKind)reader.ReadByte();
            var process = ReadProcess(ref reader, processes);
            previousTicks += UnZigZag(reader.ReadVarint());
            var timestamp = WireTime.FromTicks(previousTicks);
            records[i] = kind switch
            {
                RecordKind.Line => ReadLine(ref reader, Required(process, kind), timestamp),
                RecordKind.Started => NodeRecord.Started(Required(process, kind), reader.ReadInt32(), timestamp),
                RecordKind.Exited => NodeRecord.Exited(Required(process, kind), reader.ReadOptionalInt32(), reader.ReadOptionalInt32(), timestamp),
                RecordKind.Gap => NodeRecord.Gap(process, (long)reader.ReadVarint(), reader.ReadString(), timestamp),
                RecordKind.Ready => NodeRecord.Ready(Required(process, kind), timestamp),
                RecordKind.Restarting => NodeRecord.Restarting(Required(process, kind), (long)reader.ReadVarint(), ReadDelay(ref reader), timestamp),
                RecordKind.GivenUp => NodeRecord.GivenUp(Required(process, kind), reader.ReadString(), timestamp),
                RecordKind.Scaled => NodeRecord.Scaled(Required(process, kind), (long)reader.ReadVarint(), timestamp),
                RecordKind.Waiting => NodeRecord.Waiting(Required(process, kind), reader.ReadString(), timestamp),
                _ => throw new FormatException($"record kind {(byte)kind} is not sent by nodes"),
            };
        }
        if (!reader.AtEnd) throw new FormatException($"{reader.Remaining} bytes follow the last record");
        IReadOnlyList<NodeRecord> read = keepEncoded ? new EncodedRecords(records, frame.AsMemory(recordsStart), watermark.Ticks) : records;
        return new LineBatch(node, incarnation, seq, watermark, read, sessionKey);
    }

    // Batches are built on arrays (the node's batch builder, Deserialize): read those in place, without an
    // enumerator and without copying each record (a large struct) twice per batch.
    private static ReadOnlySpan<NodeRecord> AsSpan(IReadOnlyList<NodeRecord> records) =>
        records as NodeRecord[] ?? (records as EncodedRecords)?.Records ?? records.ToArray();

    private static NodeRecord ReadLine(ref WireReader reader, string process, DateTime timestamp)
    {
        var flags = reader.ReadByte();
        var stream = (OutputStream)(flags & ~(ContinuedFlag | AfterExitFlag));
        if (stream is not (OutputStream.Stdout or OutputStream.Stderr))
            throw new FormatException($"stream {(byte)stream} is neither stdout nor stderr");
        var seq = (long)reader.ReadVarint();
        var text = reader.ReadBytes();
        if (!System.Text.Unicode.Utf8.IsValid(text.Span))
            throw new FormatException("line text is not valid UTF-8");
        return NodeRecord.Line(process, stream, seq, timestamp, text, (flags & ContinuedFlag) != 0, (flags & AfterExitFlag) != 0);
    }

    private static void WriteProcess(WireWriter writer, string? process, List<string> table)
    {
        if (process is null)
        {
            writer.WriteVarint(NoProcess);
            return;
        }
        // Batches hold a handful of processes; a linear search beats hashing at that size.
        var index = table.IndexOf(process);
        if (index >= 0)
        {
            writer.WriteVarint((ulong)index + 1);
            return;
        }
        table.Add(process);
        writer.WriteVarint((ulong)table.Count);
        writer.WriteString(process);
    }

    private static string? ReadProcess(ref WireReader reader, List<string> table)
    {
        var index = reader.ReadVarint();
        if (index == NoProcess) return null;
        if (index <= (ulong)table.Count) return table[(int)index - 1];
        if (index != (ulong)table.Count + 1) throw new FormatException($"process index {index} skips ahead of the name table");
        var name = reader.ReadString();
        table.Add(name);
        return name;
    }

    private static string Required(string? process, RecordKind kind) =>
        process ?? throw new FormatException($"a {kind} record must name its process");



    private static int ReadDelay(ref WireReader reader)
    {
        var delay = reader.ReadVarint();
        return delay <= int.MaxValue ? (int)delay : throw new FormatException($"restart delay {delay} ms is out of range");
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
