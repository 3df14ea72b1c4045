using System.Text.Json;
using Chorus.Aggregator.Tasks;

namespace Chorus.Aggregator.Http;

/// <summary>
/// A task and a group as the task API shows them (README, "Run a command on the fleet": TASK). Field names are a public
/// contract, like the stream's: add, never rename. Times are ISO 8601 UTC; what has not happened yet is null.
/// </summary>
public static class TaskJson
{
    public static void Write(Utf8JsonWriter json, TaskInfo task)
    {
        var request = task.Request;
        json.WriteStartObject();
        json.WriteString("id", task.Id);
        json.WriteString("proc", task.Process);
        json.WriteStartArray("command");
        foreach (var word in request.Command) json.WriteStringValue(word);
        json.WriteEndArray();
        json.WriteString("on", request.On);
        json.WriteString("group", request.Group);
        json.WriteStartArray("after");
        foreach (var id in request.After) json.WriteStringValue(id);
        json.WriteEndArray();
        Number(json, "timeout_ms", (long?)request.Timeout?.TotalMilliseconds);
        json.WriteBoolean("fold", request.Fold);
        json.WriteNumber("fold_window_ms", (long)request.FoldWindow.TotalMilliseconds);
        json.WriteString("state", task.State.Name());
        Time(json, "queued_at", task.QueuedAt);
        Time(json, "started_at", task.StartedAt);
        Time(json, "ended_at", task.EndedAt);
        Number(json, "exit_code", task.ExitCode);
        json.WriteString("message", task.Message);
        json.WriteStartArray("nodes");
        foreach (var node in task.Nodes)
        {
            json.WriteStartObject();
            json.WriteString("node", node.Node);
            json.WriteString("state", node.State.Name());
            Number(json, "exit_code", node.ExitCode);
            Number(json, "signal", node.Signal);
            Time(json, "started_at", node.StartedAt);
            Time(json, "ended_at", node.EndedAt);
            Number(json, "duration_ms", node is { StartedAt: { } start, EndedAt: { } end } ? (long)(end - start).TotalMilliseconds : null);
            json.WriteString("message", node.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary><c>{"name": "builds", "parallel": 2, "per_node": null}</c>: null is no limit.</summary>
    /// <summary>The body of a list: <c>{"NAME": [ITEM, ...]}</c> (GET /api/tasks, GET /api/groups).</summary>
    public static void WriteList<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartObject();
        json.WriteStartArray(name);
        foreach (var item in items) write(json, item);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter json, TaskGroup group)
    {
        json.WriteStartObject();
        json.WriteString("name", group.Name);
        Number(json, "parallel", group.Parallel);
        Number(json, "per_node", group.PerNode);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
        else json.WriteNull(name);
    }

    private static void Time(Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } time) json.WriteString(name, DateTime.SpecifyKind(time, DateTimeKind.Utc));
        else json.WriteNull(name);
    }
}
