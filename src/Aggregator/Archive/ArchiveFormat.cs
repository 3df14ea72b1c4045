using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Chorus.Aggregator.Archive;

/// <summary>
/// The one record the archive adds to the stdout JSON schema: after the records of each batch,
/// <c>{"type":"batch","node":N,"incarnation":I,"batch":S,"records":R}</c> says that batch S of that node
/// run is complete in the file. The archive's own acknowledgement, in other words: a batch counts as
/// archived only once this line is there, and only then is the node told.
/// </summary>
public static class ArchiveFormat
{
    private static readonly byte[] MarkerPrefix = "{\"type\":\"batch\","u8.ToArray();

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteMarker(IBufferWriter<byte> output, string node, long incarnation, long batch, int records)
    {
        using (var writer = new Utf8JsonWriter(output, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "batch");
            writer.WriteString("node", node);
            writer.WriteNumber("incarnation", incarnation);
            writer.WriteNumber("batch", batch);
            writer.WriteNumber("records", records);
            writer.WriteEndObject();
        }
        output.Write("\n"u8);
    }

    public static bool IsMarker(ReadOnlySpan<byte> line) => line.StartsWith(MarkerPrefix);

    public static (string Node, long Incarnation, long Batch) ReadMarker(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string? node = null;
        long incarnation = 0, batch = 0;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "node": node = reader.GetString(); break;
                case "incarnation": incarnation = reader.GetInt64(); break;
                case "batch": batch = reader.GetInt64(); break;
            }
        }
        return (node ?? throw new JsonException("a batch record without a node"), incarnation, batch);
    }

    /// <summary>Whether the line is one whole JSON value: a line torn by a crash is not.</summary>
    public static bool IsWhole(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { AllowTrailingCommas = false });
            while (reader.Read()) { }
            return reader.BytesConsumed == line.Length && line.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
