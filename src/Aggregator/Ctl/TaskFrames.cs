using System.Text.Json;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// What run prints of one task's /ws frames (JSON), as they come: each line as "[n1] text", a folded one as
/// "[n1,n2,n4] text" (stderr lines on stderr), a node that refused, was down, was lost or timed out at once as a
/// warning, and a gap (frames the aggregator could not send in time) as a warning. The task's first item is its
/// "queued" event: a stream whose first item of the task is another one started past the backlog (the task printed more
/// than <see cref="TaskFollower.Backlog"/> items before the socket opened), and run says so rather than miss lines silently. <see cref="Take"/> says when the
/// task's own end event has come. Frames of other sources (node-up, other processes) are passed over.
/// </summary>
public sealed class TaskFrames(string taskId, TextWriter output, TextWriter errors)
{
    private readonly string _process = TaskInfo.ProcessPrefix + taskId;
    private bool _seenOwnItem;

    /// <summary>Prints what <paramref name="frame"/> says; true once it is the task's end (finished, cancelled, lost, failed).</summary>
    public bool Take(string frame)
    {
        JsonElement item;
        try
        {
            using var document = JsonDocument.Parse(frame);
            item = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return false; // not ours to judge: the stream's schema only ever adds fields
        }
        if (item.ValueKind != JsonValueKind.Object) return false;
        if (!_seenOwnItem && ActionRun.Field(item, "proc") == _process) FirstOwn(item);
        return ActionRun.Field(item, "type") switch
        {
            "line" => Line(item),
            "event" => Event(item),
            _ => false,
        };
    }

    private bool Line(JsonElement line)
    {
        if (ActionRun.Field(line, "proc") != _process) return false;
        var text = ActionRun.Field(line, "text");
        var writer = ActionRun.Field(line, "stream") == "stderr" ? errors : output;
        writer.WriteLine($"[{PrintableText.Escape(Nodes(line))}] {text}");
        return false;
    }

    /// <summary>"n1", or "n1,n2,n4" for a folded line.</summary>
    private static string Nodes(JsonElement line) =>
        line.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array
            ? string.Join(",", nodes.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString() : n.GetRawText()))
            : ActionRun.Field(line, "node");

    private bool Event(JsonElement e)
    {
        switch (ActionRun.Field(e, "event"))
        {
            // This watcher fell behind (no node), or the task's own lines were lost on a node; other gaps are not ours.
            case "gap" when ActionRun.Field(e, "node").Length == 0 || ActionRun.Field(e, "proc") == _process:
                errors.WriteLine(Notice.Line(NoticeLevel.Warning,
                    $"{ActionRun.Field(e, "count")} items were not shown here ({ActionRun.Field(e, "reason")}); chorus-aggregator queue logs {taskId} prints what the task kept."));
                return false;
            case "task" when ActionRun.Field(e, "task") == taskId:
                var state = ActionRun.Field(e, "state");
                var nodeName = ActionRun.Field(e, "node");
                if (nodeName.Length == 0) return state is "finished" or "cancelled" or "lost" or "failed";
                if (state is "refused" or "down" or "lost" or "timed-out")
                    errors.WriteLine(Notice.Line(NoticeLevel.Warning, $"{nodeName}: {state}{Reason(ActionRun.Field(e, "message"))}"));
                return false;
            default:
                return false;
        }
    }

    private void FirstOwn(JsonElement item)
    {
        _seenOwnItem = true;
        if (ActionRun.Field(item, "event") == "task" && ActionRun.Field(item, "state") == "queued") return;
        errors.WriteLine(Notice.Line(NoticeLevel.Warning,
            $"{taskId} printed more than {TaskFollower.Backlog} items before this stream opened: its first lines are not shown here. " +
            $"chorus-aggregator queue logs {taskId} prints them all."));
    }

    private static string Reason(string message) => message.Length == 0 ? "." : $": {message}";
}
