using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Formatting;

/// <summary>
/// The JSON schema of README, one object per line: what `--format json` prints and every WebSocket frame
/// carries. Field names are a public contract: add, never rename. Text is escaped by Utf8JsonWriter, so
/// nothing in a line can break out of its string; non-ASCII stays readable UTF-8.
/// </summary>
public sealed class JsonFormatter(bool newline = true) : IRecordFormatter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText NodeName = JsonEncodedText.Encode("node");
    private static readonly JsonEncodedText Proc = JsonEncodedText.Encode("proc");
    private static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");
    private static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText CorrectedTs = JsonEncodedText.Encode("corrected_ts");
    private static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText Continued = JsonEncodedText.Encode("continued");
    private static readonly JsonEncodedText Late = JsonEncodedText.Encode("late");
    private static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText LineType = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Stdout = JsonEncodedText.Encode("stdout");
    private static readonly JsonEncodedText Stderr = JsonEncodedText.Encode("stderr");

    private readonly Dictionary<string, JsonEncodedText> _names = new();
    private Utf8JsonWriter? _writer;

    public void Write(in OutputItem item, IBufferWriter<byte> output)
    {
        var writer = _writer ??= new Utf8JsonWriter(output, Options);
        writer.Reset(output);
        var record = item.Record;
        writer.WriteStartObject();
        if (record.Kind == RecordKind.Line)
        {
            writer.WriteString(Type, LineType);
            WriteSource(writer, item.Node, record.Process);
            writer.WriteString(Stream, record.Stream == OutputStream.Stderr ? Stderr : Stdout);
            writer.WriteNumber(Seq, record.Seq);
            WriteTimes(writer, item);
            writer.WriteString(Text, record.Text.Span);
            if (record.Continued) writer.WriteBoolean(Continued, true);
        }
        else
        {
            writer.WriteString(Type, EventType);
            writer.WriteString(Event, EventName(record.Kind));
            WriteSource(writer, item.Node, record.Process);
            switch (record.Kind)
            {
                case RecordKind.Started:
                    writer.WriteNumber(Pid, record.Pid);
                    break;
                case RecordKind.Exited:
                    WriteOptional(writer, Code, record.ExitCode);
                    WriteOptional(writer, Signal, record.Signal);
                    break;
                case RecordKind.Gap:
                    writer.WriteNumber(Count, record.Count);
                    writer.WriteString(Reason, record.Reason);
                    break;
            }
            WriteTimes(writer, item);
        }
        if (item.Late) writer.WriteBoolean(Late, true);
        writer.WriteEndObject();
        writer.Flush();
        if (newline) output.Write("\n"u8);
    }

    public static string EventName(RecordKind kind) => kind switch
    {
        RecordKind.Started => "started",
        RecordKind.Exited => "exited",
        RecordKind.Gap => "gap",
        RecordKind.NodeUp => "node-up",
        RecordKind.NodeDown => "node-down",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "lines are not events"),
    };

    private void WriteSource(Utf8JsonWriter writer, string node, string? process)
    {
        // A gap seen by one WebSocket client spans every source, so it names none.
        if (node.Length > 0) writer.WriteString(NodeName, Encoded(node));
        if (process is not null) writer.WriteString(Proc, Encoded(process));
    }

    // Names repeat on every line: escape each once, then every line is a plain copy.
    private JsonEncodedText Encoded(string name)
    {
        if (!_names.TryGetValue(name, out var encoded))
            _names[name] = encoded = JsonEncodedText.Encode(name, Options.Encoder);
        return encoded;
    }

    /// <summary>A time as every Chorus JSON document writes it: ISO 8601 UTC with microseconds.</summary>
    // ts is the node's own clock; corrected_ts (what the stream is ordered by) is there when they differ.
    private static void WriteTimes(Utf8JsonWriter writer, in OutputItem item)
    {
        WriteTimestamp(writer, Ts, item.Record.Timestamp);
        if (item.CorrectionTicks != 0) WriteTimestamp(writer, CorrectedTs, item.CorrectedTimestamp);
    }

    internal static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTime timestamp)
    {
        Span<byte> text = stackalloc byte[TimestampText.IsoLength];
        TimestampText.WriteIso(timestamp, text);
        writer.WriteString(name, text);
    }

    internal static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, int? value)
    {
        if (value is { } v) writer.WriteNumber(name, v);
        else writer.WriteNull(name);
    }
}
