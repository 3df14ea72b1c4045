using System.Net;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// ctl ps [SELECTOR]: the processes of GET /api/nodes, one a line (node, proc, state, pid, restarts, uptime, groups).
/// Read tolerantly: a field an older aggregator does not send shows as "-".
/// </summary>
public static class ProcessList
{
    public static async Task<int> Run(AggregatorClient client, Selector? selector, TextWriter output)
    {
        var (status, body) = await client.GetAsync("/api/nodes");
        if (status != HttpStatusCode.OK)
        {
            Notice.Error($"the aggregator answered {(int)status} to GET /api/nodes: {AggregatorClient.ErrorOf(body, "no reason given")}.");
            return ExitCodes.NotAllOk;
        }
        var rows = new List<string[]> { new[] { "NODE", "PROC", "STATE", "PID", "RESTARTS", "UPTIME", "GROUPS" } };
        var now = DateTime.UtcNow;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array)
            foreach (var node in nodes.EnumerateArray())
            {
                var nodeName = ActionRun.Field(node, "node");
                if (!node.TryGetProperty("processes", out var processes) || processes.ValueKind != JsonValueKind.Array) continue;
                foreach (var process in processes.EnumerateArray())
                {
                    if (selector is not null && !selector.Matches(nodeName, InfoOf(process))) continue;
                    var state = ActionRun.Field(process, "state");
                    rows.Add([nodeName, ActionRun.Field(process, "proc"), Dash(state), Dash(ActionRun.Field(process, "pid")),
                        Dash(ActionRun.Field(process, "restarts")), state == "running" ? Columns.Since(ActionRun.Field(process, "started_at"), now) : "-",
                        Dash(string.Join(",", Strings(process, "groups")))]);
                }
            }
        if (rows.Count == 1)
        {
            Notice.Error(selector is null ? "the aggregator knows of no process yet." : $"no process matches \"{selector.Text}\".");
            return ExitCodes.NotAllOk;
        }
        Columns.Write(output, rows);
        return ExitCodes.Success;
    }

    /// <summary>What the selector matches on, as far as /api/nodes tells it.</summary>
    private static ProcessInfo InfoOf(JsonElement process)
    {
        var name = ActionRun.Field(process, "proc");
        var dot = name.LastIndexOf('.');
        var baseName = dot > 0 && int.TryParse(name[(dot + 1)..], out _) ? name[..dot] : name;
        var state = ActionRun.Field(process, "state") switch
        {
            "waiting" => ProcessState.Waiting,
            "running" => ProcessState.Running,
            "restarting" => ProcessState.Restarting,
            "given-up" => ProcessState.GivenUp,
            _ => ProcessState.Exited,
        };
        var ready = process.TryGetProperty("ready", out var r) ? r.ValueKind == JsonValueKind.True : state == ProcessState.Running;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (process.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
            foreach (var label in l.EnumerateObject())
                if (label.Value.ValueKind == JsonValueKind.String) labels[label.Name] = label.Value.GetString()!;
        return new ProcessInfo(name, baseName, state, ready, 0, 0, default, null, null, false, Strings(process, "groups"), labels, []);
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    private static string Dash(string value) => value.Length == 0 ? "-" : value;
}
