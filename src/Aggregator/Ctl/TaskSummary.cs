using System.Globalization;
using System.Text.Json;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// run's last words, from GET /api/tasks/ID: one line for the task (its state, exit code and message), then per node
/// how it ended (exit N, signal N, or refused/down/lost/timed-out/cancelled), how long it ran and why, in columns.
/// The exit code is the task's exit_code (README, "Run a command on the fleet"); read tolerantly, as ctl ps is.
/// </summary>
public static class TaskSummary
{
    public static int Write(JsonElement task, TextWriter output)
    {
        var id = ActionRun.Field(task, "id");
        var state = ActionRun.Field(task, "state");
        var exitCode = ExitCode(task);
        var message = ActionRun.Field(task, "message");
        output.WriteLine(PrintableText.Escape($"{id} {state}, exit code {exitCode}{(message.Length > 0 ? ": " + message : "")}"));
        var rows = new List<string[]>();
        if (task.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array)
            foreach (var node in nodes.EnumerateArray())
                rows.Add([
                    PrintableText.Escape(ActionRun.Field(node, "node")), Outcome(node), Duration(node),
                    PrintableText.Escape(ActionRun.Field(node, "message")),
                ]);
        Columns.Write(output, rows);
        return exitCode;
    }

    /// <summary>The task's exit_code; 255 when it has none (an aggregator that does not say: the outcome is unknown).</summary>
    public static int ExitCode(JsonElement task) =>
        task.TryGetProperty("exit_code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value) ? value : TaskExitCode.Unreachable;

    private static string Outcome(JsonElement node)
    {
        var state = ActionRun.Field(node, "state");
        if (state != "exited") return state.Length == 0 ? "-" : state;
        var signal = ActionRun.Field(node, "signal");
        return signal.Length > 0 ? "signal " + signal : "exit " + ActionRun.Field(node, "exit_code");
    }

    private static string Duration(JsonElement node) =>
        node.TryGetProperty("duration_ms", out var ms) && ms.ValueKind == JsonValueKind.Number && ms.TryGetInt64(out var value)
            ? value < 1000 ? $"{value}ms" : string.Create(CultureInfo.InvariantCulture, $"{value / 1000.0:0.0#}s")
            : "-";
}
