using System.Buffers;
using System.Text.Json;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Sinks;
using Chorus.Messages.Control;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /api/nodes: every node the merged stream has told of (<see cref="StatusBoard"/>), with each process the
/// stream showed or its node's table lists (<see cref="FleetDirectory"/>: waiting processes have not been in
/// the stream yet). What the table says of a process (state, readiness, restarts, groups, labels, stdin) wins
/// over the stream's view, which stands in for the processes of a node before its first table comes; once it
/// has come, the table alone says which processes there are (one scaled away is gone). A node's own "labels" are its
/// --labels, as its last join gave them. Field names are a public contract, like the stream's: add, never rename.
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
    private static readonly JsonEncodedText Ready = JsonEncodedText.Encode("ready");
    private static readonly JsonEncodedText Restarts = JsonEncodedText.Encode("restarts");
    private static readonly JsonEncodedText Groups = JsonEncodedText.Encode("groups");
    private static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
    private static readonly JsonEncodedText Stdin = JsonEncodedText.Encode("stdin");
    private static readonly JsonEncodedText StartedAt = JsonEncodedText.Encode("started_at");
    private static readonly JsonEncodedText Base = JsonEncodedText.Encode("base");
    private static readonly JsonEncodedText WaitingFor = JsonEncodedText.Encode("waiting_for");

    public static async Task Handle(HttpContext context)
    {
        var board = context.RequestServices.GetRequiredService<StatusBoard>();
        var directory = context.RequestServices.GetRequiredService<FleetDirectory>();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        Write(board.Snapshot(), directory, context.Response.BodyWriter);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static void Write(IReadOnlyList<NodeStatus> nodes, FleetDirectory directory, IBufferWriter<byte> output)
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
            // The node's own labels (--label), from its last join: what a task's --on label:KEY=VALUE selects it by.
            json.WriteStartObject(Labels);
            foreach (var (key, value) in directory.LabelsOf(node.Node).OrderBy(l => l.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
            JsonFormatter.WriteTimestamp(json, LastSeen, node.LastSeen);
            json.WriteStartArray(Processes);
            var table = directory.Of(node.Node).ToDictionary(p => p.Name, StringComparer.Ordinal);
            var seen = node.Processes.ToDictionary(p => p.Proc, StringComparer.Ordinal);
            // Once the node has a table, a process it no longer lists (scaled away) is gone, whatever the stream showed.
            var names = directory.HasTable(node.Node) ? table.Keys : table.Keys.Union(seen.Keys);
            foreach (var name in names.Order(StringComparer.Ordinal))
                WriteProcess(json, name, table.GetValueOrDefault(name), seen.GetValueOrDefault(name));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <param name="info">What the node's table says, when it lists the process.</param>
    /// <param name="seen">What the stream showed, when it did.</param>
    private static void WriteProcess(Utf8JsonWriter json, string name, ProcessInfo? info, ProcessStatus? seen)
    {
        json.WriteStartObject();
        json.WriteString(Proc, name);
        if (info is not null)
        {
            json.WriteString(State, info.State.Name());
            JsonFormatter.WriteOptional(json, Pid, info.Pid > 0 ? info.Pid : seen?.Pid);
            JsonFormatter.WriteOptional(json, Code, info.ExitCode);
            JsonFormatter.WriteOptional(json, Signal, info.Signal);
        }
        else
        {
            json.WriteString(State, seen!.State);
            JsonFormatter.WriteOptional(json, Pid, seen.Pid);
            JsonFormatter.WriteOptional(json, Code, seen.Code);
            JsonFormatter.WriteOptional(json, Signal, seen.Signal);
        }
        json.WriteNumber(Lines, seen?.Lines ?? 0);
        json.WriteBoolean(Ready, info?.Ready ?? seen!.Ready);
        json.WriteNumber(Restarts, info?.Restarts ?? seen!.Restarts);
        json.WriteStartArray(Groups);
        foreach (var group in info?.Groups ?? []) json.WriteStringValue(group);
        json.WriteEndArray();
        json.WriteStartObject(Labels);
        if (info is not null)
            foreach (var (key, value) in info.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteBoolean(Stdin, info?.Stdin ?? false);
        var startedAt = info is { StartedAt: var at } && at != default ? at : seen?.StartedAt;
        if (startedAt is { } started) JsonFormatter.WriteTimestamp(json, StartedAt, started);
        else json.WriteNull(StartedAt);
        json.WriteString(Base, info?.Base ?? name);
        json.WriteStartArray(WaitingFor);
        foreach (var dependency in info?.WaitingFor ?? []) json.WriteStringValue(dependency);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
