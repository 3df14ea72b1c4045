using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Aggregator.Formatting;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /attach's answer when input went nowhere, for this one client (never in the stream):
/// <c>{"type":"event","event":"input-refused","node":"n1","proc":"web","outcome":"stdin-closed","message":"...","ts":"..."}</c>,
/// with node and proc absent when it concerns no one process; with format=text,
/// <c>input refused: n1/web: stdin-closed: ...</c>. One per connection, used by its input loop only.
/// </summary>
internal sealed class InputRefusedNotice(bool text)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    /// <summary>The frame, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(string? node, string? process, string outcome, string message)
    {
        _buffer.ResetWrittenCount();
        if (text)
        {
            var source = (node, process) switch
            {
                (null, null) => "",
                (_, null) => $"{node}: ",
                (null, _) => $"{process}: ",
                _ => $"{node}/{process}: ",
            };
            _buffer.Write(Encoding.UTF8.GetBytes($"input refused: {source}{outcome}: {message}"));
            return _buffer.WrittenMemory;
        }
        using var json = new Utf8JsonWriter(_buffer, Options);
        json.WriteStartObject();
        json.WriteString("type", "event");
        json.WriteString("event", "input-refused");
        if (node is not null) json.WriteString("node", node);
        if (process is not null) json.WriteString("proc", process);
        json.WriteString("outcome", outcome);
        json.WriteString("message", message);
        JsonFormatter.WriteTimestamp(json, JsonEncodedText.Encode("ts"), DateTime.UtcNow);
        json.WriteEndObject();
        json.Flush();
        return _buffer.WrittenMemory;
    }
}
