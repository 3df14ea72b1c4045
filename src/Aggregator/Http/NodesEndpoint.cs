using System.Buffers;
using System.Text.Json;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Sinks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /api/nodes: every node and process the merged stream has told of, from the <see cref="StatusBoard"/>.
/// Field names are a public contract, like the stream's: add, never rename.
/// </summary>
public static class NodesEndpoint
{
    private static readonly JsonEncodedText Nodes = JsonEncodedText.Encode("nodes");
    private static readonly JsonEncodedText Node = JsonEncodedText.Encode("node");
    private static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText LastSeen = JsonEncodedText.Encode("last_seen");
    private static readonly JsonEncodedText Processes = JsonEncodedText.Encode("processes");
    private static readonly JsonEncodedText Proc = JsonEncodedText.Encode("proc");
    private static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
    private static readonly JsonEncodedText Lines = JsonEncodedText.Encode("lines");

    public static async Task Handle(HttpContext context)
    {
        var board = context.RequestServices.GetRequiredService<StatusBoard>();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        Write(board.Snapshot(), context.Response.BodyWriter);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static void Write(IReadOnlyList<NodeStatus> nodes, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray(Nodes);
        foreach (var node in nodes)
        {
            json.WriteStartObject();
            json.WriteString(Node, node.Node);
            json.WriteString(State, node.State);
            json.WriteString(Version, node.Version);
            JsonFormatter.WriteTimestamp(json, LastSeen, node.LastSeen);
            json.WriteStartArray(Processes);
            foreach (var process in node.Processes)
            {
                json.WriteStartObject();
                json.WriteString(Proc, process.Proc);
                json.WriteString(State, process.State);
                JsonFormatter.WriteOptional(json, Pid, process.Pid);
                JsonFormatter.WriteOptional(json, Code, process.Code);
                JsonFormatter.WriteOptional(json, Signal, process.Signal);
                json.WriteNumber(Lines, process.Lines);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
