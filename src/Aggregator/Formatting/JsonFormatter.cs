using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Formatting;

/// <summary>
/// The JSON schema of README, one object per line: what `--format json` prints and every WebSocket frame
/// carries. Field names are a public contract: add, never rename. Text is escaped by Utf8JsonWriter, so
/// nothing in a line can break out of its string; non-ASCII stays readable UTF-8.
/// Lines, nearly all of the traffic, take a faster path that writes the same bytes (see <see cref="WriteLine"/>).
/// Not thread-safe: one per sink or client.
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
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText CorrectedTs = JsonEncodedText.Encode("corrected_ts");
    private static readonly JsonEncodedText Late = JsonEncodedText.Encode("late");
    private static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Attempt = JsonEncodedText.Encode("attempt");
    private static readonly JsonEncodedText DelayMs = JsonEncodedText.Encode("delay_ms");
    private static readonly JsonEncodedText Replicas = JsonEncodedText.Encode("replicas");
    private static readonly JsonEncodedText For = JsonEncodedText.Encode("for");
    private static readonly JsonEncodedText TaskName = JsonEncodedText.Encode("task");
    private static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Nodes = JsonEncodedText.Encode("nodes");
    private static readonly JsonEncodedText LineType = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event");
    private static readonly JsonEncodedText Stdout = JsonEncodedText.Encode("stdout");
    private static readonly JsonEncodedText Stderr = JsonEncodedText.Encode("stderr");

    // Printable ASCII other than quote and backslash: bytes the writer with the relaxed encoder leaves as they
    // are, so a text made of them alone is copied as it is (JsonFormatterTests check every ASCII byte).
    private static readonly SearchValues<byte> VerbatimBytes = SearchValues.Create(
        Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b).Where(b => b is not ((byte)'"' or (byte)'\\')).ToArray());

    private readonly Dictionary<string, JsonEncodedText> _names = new();
    private readonly Dictionary<(string Node, string? Process, OutputStream Stream), byte[]> _linePrefixes = new();
    private readonly IsoTimestampWriter _ts = new();
    private readonly IsoTimestampWriter _correctedTs = new();
    private Utf8JsonWriter? _writer;
    // The prefix of the previous line: lines come in runs from one process, and the same string instances.
    private (string Node, string? Process, OutputStream Stream) _lastSource;
    private byte[] _lastPrefix = [];

    public void Write(in OutputItem item, IBufferWriter<byte> output)
    {
        if (item.Record.Kind == RecordKind.Line) WriteLine(item.Node, item.Record, item.Late, item.CorrectionTicks, item.FoldedNodes, output);
        else WriteEvent(item, output);
        if (newline) output.Write("\n"u8);
    }

    public void Write(in OutputRun run, IBufferWriter<byte> output)
    {
        var index = 0;
        foreach (ref readonly var record in run)
        {
            // Events are few and take the writer's path, as items.
            if (record.Kind == RecordKind.Line) WriteLine(run.Node, record, run.Late, run.CorrectionTicks, run.FoldedNodes, output);
            else WriteEvent(run.Item(index), output);
            if (newline) output.Write("\n"u8);
            index++;
        }
    }

    private void WriteEvent(in OutputItem item, IBufferWriter<byte> output)
    {
        var writer = Writer(output);
        var record = item.Record;
        writer.WriteStartObject();
        writer.WriteString(Type, EventType);
        writer.WriteString(Event, EventName(record.Kind));
        if (record.Kind == RecordKind.Task) writer.WriteString(TaskName, TextFormatter.TaskId(record.Process));
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
            case RecordKind.Restarting:
                writer.WriteNumber(Attempt, record.Count);
                writer.WriteNumber(DelayMs, record.DelayMs);
                break;
            case RecordKind.GivenUp:
                writer.WriteString(Reason, record.Reason);
                break;
            case RecordKind.Scaled:
                writer.WriteNumber(Replicas, record.Count);
                break;
            case RecordKind.Waiting:
                writer.WriteString(For, record.Reason);
                break;
            case RecordKind.Task:
                writer.WriteString(State, record.Reason);
                WriteOptional(writer, Code, record.ExitCode);
                writer.WriteString(Message, record.Text.Span);
                break;
        }
        WriteTimes(writer, item);
        if (item.Late) writer.WriteBoolean(Late, true);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>
    /// A line written byte by byte rather than through Utf8JsonWriter, which cost more than half of the
    /// aggregator's stdout thread: the part before the seq number is the same for every line of a source and
    /// is made once (by the writer itself), timestamps reuse their date, and text that needs no escaping is
    /// copied. The bytes are the writer's; JsonFormatterTests compare the two paths.
    /// </summary>
    private void WriteLine(string node, in NodeRecord record, bool late, long correctionTicks, IReadOnlyList<string>? foldedNodes,
        IBufferWriter<byte> output)
    {
        if (foldedNodes is { } nodes) WriteFoldedLinePrefix(nodes, record.Process, record.Stream, output);
        else output.Write(LinePrefix(node, record.Process, record.Stream));
        WriteNumber(record.Seq, output);
        WriteTimestamp(_ts, ",\"ts\":\""u8, record.Timestamp, output);
        if (correctionTicks != 0) WriteTimestamp(_correctedTs, ",\"corrected_ts\":\""u8, record.Timestamp.AddTicks(correctionTicks), output);
        output.Write(",\"text\":"u8);
        WriteText(record.Text.Span, output);
        if (record.Continued) output.Write(",\"continued\":true"u8);
        if (late) output.Write(",\"late\":true"u8);
        if (record.AfterExit) output.Write(",\"after_exit\":true"u8);
        output.Write("}"u8);
    }

    private byte[] LinePrefix(string node, string? process, OutputStream stream)
    {
        if (ReferenceEquals(node, _lastSource.Node) && ReferenceEquals(process, _lastSource.Process) && stream == _lastSource.Stream)
            return _lastPrefix;
        _lastSource = (node, process, stream);
        if (_linePrefixes.TryGetValue(_lastSource, out _lastPrefix!)) return _lastPrefix;

        var buffer = new ArrayBufferWriter<byte>();
        var writer = Writer(buffer);
        writer.WriteStartObject();
        writer.WriteString(Type, LineType);
        WriteSource(writer, node, process);
        writer.WriteString(Stream, stream == OutputStream.Stderr ? Stderr : Stdout);
        writer.Flush();
        buffer.Write(",\"seq\":"u8);
        return _linePrefixes[_lastSource] = _lastPrefix = buffer.WrittenSpan.ToArray();
    }

    // A folded line names the nodes that printed it instead of one node. Its prefix is not kept: node sets vary.
    private void WriteFoldedLinePrefix(IReadOnlyList<string> nodes, string? process, OutputStream stream, IBufferWriter<byte> output)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString(Type, LineType);
        writer.WriteStartArray(Nodes);
        foreach (var node in nodes) writer.WriteStringValue(Encoded(node));
        writer.WriteEndArray();
        if (process is not null) writer.WriteString(Proc, Encoded(process));
        writer.WriteString(Stream, stream == OutputStream.Stderr ? Stderr : Stdout);
        writer.Flush();
        output.Write(",\"seq\":"u8);
    }

    private static void WriteNumber(long value, IBufferWriter<byte> output)
    {
        Utf8Formatter.TryFormat(value, output.GetSpan(20), out var written);
        output.Advance(written);
    }

    private static void WriteTimestamp(IsoTimestampWriter timestamps, ReadOnlySpan<byte> name, DateTime timestamp, IBufferWriter<byte> output)
    {
        output.Write(name);
        var text = output.GetSpan(TimestampText.IsoLength + 1);
        timestamps.Write(timestamp, text);
        text[TimestampText.IsoLength] = (byte)'"';
        output.Advance(TimestampText.IsoLength + 1);
    }

    private void WriteText(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        if (text.IndexOfAnyExcept(VerbatimBytes) < 0)
        {
            var quoted = output.GetSpan(text.Length + 2);
            quoted[0] = (byte)'"';
            text.CopyTo(quoted[1..]);
            quoted[text.Length + 1] = (byte)'"';
            output.Advance(text.Length + 2);
            return;
        }
        var writer = Writer(output);
        writer.WriteStringValue(text);
        writer.Flush();
    }

    private Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        var writer = _writer ??= new Utf8JsonWriter(output, Options);
        writer.Reset(output);
        return writer;
    }

    public static string EventName(RecordKind kind) => kind switch
    {
        RecordKind.Started => "started",
        RecordKind.Exited => "exited",
        RecordKind.Gap => "gap",
        RecordKind.NodeUp => "node-up",
        RecordKind.NodeDown => "node-down",
        RecordKind.Ready => "ready",
        RecordKind.Restarting => "restarting",
        RecordKind.GivenUp => "given-up",
        RecordKind.Scaled => "scaled",
        RecordKind.Waiting => "waiting",
        RecordKind.Task => "task",
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
