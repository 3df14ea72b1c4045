namespace Chorus.Messages.Serialization;

/// <summary>
/// The binary layout of a <see cref="LineBatch"/>. Process names are written once per batch and then
/// referred to by index; timestamps are deltas from the previous record (records are in time order, so the
/// deltas are small). A line's text is read back as a slice of the received buffer, never copied.
/// </summary>
internal static class LineBatchFormat
{
    private const int NoProcess = 0;

    public static void Write(BinaryWriter writer, LineBatch batch)
    {
        writer.Write(batch.Node);
        writer.Write(batch.Incarnation);
        writer.Write7BitEncodedInt64(batch.Seq);
        writer.Write(batch.Watermark.Ticks);
        writer.Write(batch.SessionKey);
        writer.Write7BitEncodedInt(batch.Records.Count);

        var processes = new List<string>();
        var previousTicks = batch.Watermark.Ticks;
        foreach (var record in batch.Records)
        {
            writer.Write((byte)record.Kind);
            WriteProcess(writer, record.Process, processes);
            // Signed delta: the watermark is the batch's latest time, so records usually come before it.
            writer.Write7BitEncodedInt64(ZigZag(record.Timestamp.Ticks - previousTicks));
            previousTicks = record.Timestamp.Ticks;
            switch (record.Kind)
            {
                case RecordKind.Line:
                    writer.Write((byte)((byte)record.Stream | (record.Continued ? 0x80 : 0)));
                    writer.Write7BitEncodedInt64(record.Seq);
                    writer.Write7BitEncodedInt(record.Text.Length);
                    writer.Write(record.Text.Span);
                    break;
                case RecordKind.Started:
                    writer.Write(record.Pid);
                    break;
                case RecordKind.Exited:
                    WriteOptional(writer, record.ExitCode);
                    WriteOptional(writer, record.Signal);
                    break;
                case RecordKind.Gap:
                    writer.Write7BitEncodedInt64(record.Count);
                    writer.Write(record.Reason ?? "");
                    break;
                default:
                    throw new InvalidOperationException($"A node never sends {record.Kind} records.");
            }
        }
    }

    public static LineBatch Read(BinaryReader reader, byte[] buffer)
    {
        var node = reader.ReadString();
        var incarnation = reader.ReadInt64();
        var seq = reader.Read7BitEncodedInt64();
        var watermark = WireTime.Read(reader);
        var sessionKey = reader.ReadString();
        var count = reader.Read7BitEncodedInt();
        // Each record takes at least 3 bytes, so a count beyond that is a lie: refuse before allocating.
        if (count < 0 || count > (buffer.Length - reader.BaseStream.Position) / 3 + 1)
            throw new FormatException($"record count {count} does not fit in {buffer.Length} bytes");

        var processes = new List<string>();
        var records = new NodeRecord[count];
        var previousTicks = watermark.Ticks;
        for (var i = 0; i < count; i++)
        {
            var kind = (RecordKind)reader.ReadByte();
            var process = ReadProcess(reader, processes);
            previousTicks += UnZigZag(reader.Read7BitEncodedInt64());
            var timestamp = WireTime.FromTicks(previousTicks);
            records[i] = kind switch
            {
                RecordKind.Line => ReadLine(reader, buffer, process, timestamp),
                RecordKind.Started => NodeRecord.Started(Required(process, kind), reader.ReadInt32(), timestamp),
                RecordKind.Exited => NodeRecord.Exited(Required(process, kind), ReadOptional(reader), ReadOptional(reader), timestamp),
                RecordKind.Gap => NodeRecord.Gap(process, reader.Read7BitEncodedInt64(), reader.ReadString(), timestamp),
                _ => throw new FormatException($"record kind {(byte)kind} is not sent by nodes"),
            };
        }
        return new LineBatch(node, incarnation, seq, watermark, records, sessionKey);
    }

    private static NodeRecord ReadLine(BinaryReader reader, byte[] buffer, string? process, DateTime timestamp)
    {
        var flags = reader.ReadByte();
        var stream = (OutputStream)(flags & 0x7F);
        if (stream is not (OutputStream.Stdout or OutputStream.Stderr))
            throw new FormatException($"stream {(byte)stream} is neither stdout nor stderr");
        var seq = reader.Read7BitEncodedInt64();
        var length = reader.Read7BitEncodedInt();
        var offset = (int)reader.BaseStream.Position;
        if (length < 0 || length > buffer.Length - offset)
            throw new FormatException($"line length {length} runs past the end of the frame");
        var text = new ReadOnlyMemory<byte>(buffer, offset, length);
        if (!System.Text.Unicode.Utf8.IsValid(text.Span))
            throw new FormatException("line text is not valid UTF-8");
        reader.BaseStream.Position = offset + length;
        return NodeRecord.Line(Required(process, RecordKind.Line), stream, seq, timestamp, text, (flags & 0x80) != 0);
    }

    private static void WriteProcess(BinaryWriter writer, string? process, List<string> table)
    {
        if (process is null)
        {
            writer.Write7BitEncodedInt(NoProcess);
            return;
        }
        var index = table.IndexOf(process);
        if (index >= 0)
        {
            writer.Write7BitEncodedInt(index + 1);
            return;
        }
        table.Add(process);
        writer.Write7BitEncodedInt(table.Count);
        writer.Write(process);
    }

    private static string? ReadProcess(BinaryReader reader, List<string> table)
    {
        var index = reader.Read7BitEncodedInt();
        if (index == NoProcess) return null;
        if (index <= table.Count) return table[index - 1];
        if (index != table.Count + 1) throw new FormatException($"process index {index} skips ahead of the name table");
        var name = reader.ReadString();
        table.Add(name);
        return name;
    }

    private static string Required(string? process, RecordKind kind) =>
        process ?? throw new FormatException($"a {kind} record must name its process");

    private static void WriteOptional(BinaryWriter writer, int? value)
    {
        writer.Write(value.HasValue);
        if (value.HasValue) writer.Write(value.Value);
    }

    private static int? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt32() : null;

    private static long ZigZag(long value) => (value << 1) ^ (value >> 63);

    private static long UnZigZag(long value) => (long)((ulong)value >> 1) ^ -(value & 1);
}
