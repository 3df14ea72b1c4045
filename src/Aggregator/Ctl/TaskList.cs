using System.Net;
using System.Text.Json;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// queue list: the tasks of GET /api/tasks in columns (id, state, group, command, nodes, exit code, age since queued).
/// Read tolerantly: a field an aggregator does not send shows as "-".
/// </summary>
public static class TaskList
{
    public static async Task<int> Run(AggregatorClient client, TextWriter output)
    {
        var (status, body) = await client.GetAsync("/api/tasks");
        if (status != HttpStatusCode.OK)
        {
            Notice.Error($"the aggregator answered {(int)status} to GET /api/tasks: {AggregatorClient.ErrorOf(body, "no reason given")}.");
            return ExitCodes.NotAllOk;
        }
        Write(body, DateTime.UtcNow, output);
        return ExitCodes.Success;
    }

    public static void Write(JsonElement body, DateTime now, TextWriter output)
    {
        var rows = new List<string[]> { new[] { "ID", "STATE", "GROUP", "COMMAND", "NODES", "EXIT", "AGE" } };
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array)
            foreach (var task in tasks.EnumerateArray())
                rows.Add(new[]
                {
                    Dash(ActionRun.Field(task, "id")), Dash(ActionRun.Field(task, "state")), Dash(ActionRun.Field(task, "group")),
                    Dash(ShellWords.Join(Strings(task, "command"))),
                    Dash(string.Join(',', Nodes(task))), Dash(ActionRun.Field(task, "exit_code")),
                    Columns.Since(ActionRun.Field(task, "queued_at"), now),
                }.Select(PrintableText.Escape).ToArray());
        Columns.Write(output, rows);
    }

    private static IEnumerable<string> Strings(JsonElement task, string name) =>
        task.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
            : [];

    private static IEnumerable<string> Nodes(JsonElement task) =>
        task.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array
            ? nodes.EnumerateArray().Select(n => ActionRun.Field(n, "node")).Where(n => n.Length > 0)
            : [];

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
