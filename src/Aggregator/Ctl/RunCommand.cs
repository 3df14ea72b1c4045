using System.CommandLine;
using System.Net;
using System.Text.Json;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// chorus-aggregator run [flags] -- COMMAND ARGS...: queues the command on the fleet through a running aggregator's
/// POST /api/tasks, follows its output live (<see cref="TaskFollower"/>), prints a summary per node and exits with the
/// task's exit code: the highest node's; 255 for a node that refused, was down, lost or timed out, and for an
/// aggregator that cannot be reached or refuses the token; 130 cancelled (Ctrl-C or SIGTERM cancels it); 2 usage.
/// </summary>
public static class RunCommand
{
    private static readonly AggregatorAccess Access = new();

    // Polling is the fallback when the stream is gone: often enough that the summary follows the end closely.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var command = new Command("run", "Run a command once on every node --on matches, through a running aggregator; follow its output, then summarise per node.");
        foreach (var symbol in RunFlags.All)
            if (symbol is Option option) command.Options.Add(option);
            else command.Arguments.Add((Argument)symbol);
        Access.AddTo(command);
        command.SetAction(Run);
        return command;
    }

    private static async Task<int> Run(ParseResult parsed)
    {
        var request = RunFlags.Read(parsed, out var onGiven);
        var detach = parsed.GetValue(RunFlags.DetachOption);
        var endpoint = Access.Read(parsed);
        using var client = endpoint.Client();
        using var interrupted = new CancellationTokenSource();
        // The first Ctrl-C or SIGTERM cancels the task and still prints the summary; a second one leaves at once.
        using var signals = new ShutdownSignals(interrupted.Cancel, () => Environment.Exit(TaskExitCode.Cancelled));
        try
        {
            var id = await Queue(client, request, onGiven);
            if (detach)
            {
                Console.Out.WriteLine(id);
                return ExitCodes.Success;
            }
            return await Follow(client, endpoint, id, interrupted.Token);
        }
        catch (CtlFailure e)
        {
            // Whichever it was (unreachable, token refused), the command's outcome is unknown: 255, as ssh says for a host it could not reach.
            Notice.Error(e.Message);
            return TaskExitCode.Unreachable;
        }
    }

    private static async Task<string> Queue(AggregatorClient client, TaskRequest request, bool onGiven)
    {
        var (status, body) = await client.PostJsonAsync("/api/tasks", Body(request, onGiven));
        switch (status)
        {
            case HttpStatusCode.Created or HttpStatusCode.OK when ActionRun.Field(body, "id") is { Length: > 0 } id && RunFlags.IsTaskId(id):
                return id;
            case HttpStatusCode.BadRequest:
                // The aggregator judged a field (an unknown group name, an --after id it does not know): a usage error, in its words.
                throw new UsageException(AggregatorClient.ErrorOf(body, "the aggregator refused the task as malformed."));
            default:
                throw new CtlFailure(TaskExitCode.Unreachable,
                    $"the aggregator answered {(int)status} to POST /api/tasks: {AggregatorClient.ErrorOf(body, "no task id")}. Is it a Chorus aggregator that runs tasks (same version as this one)?");
        }
    }

    private static async Task<int> Follow(AggregatorClient client, AggregatorEndpoint endpoint, string id, CancellationToken interrupted)
    {
        var frames = new TaskFrames(id, Console.Out, Console.Error);
        string? broken;
        try
        {
            broken = await TaskFollower.FollowAsync(endpoint, id, frames, interrupted);
            if (broken is not null)
            {
                Notice.Warning($"{broken}; waiting for {id} to end by asking its state. chorus-aggregator queue logs {id} prints what it printed.");
                await UntilOver(client, id, interrupted);
            }
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await Cancel(client, id);
        }
        var task = await UntilOver(client, id, CancellationToken.None);
        return TaskSummary.Write(task, Console.Out);
    }

    private static async Task Cancel(AggregatorClient client, string id)
    {
        var (status, body) = await client.PostJsonAsync($"/api/tasks/{id}/cancel", "{}");
        // 409: it ended by itself meanwhile; its summary says how.
        if (status is not (HttpStatusCode.OK or HttpStatusCode.Conflict))
            Notice.Error($"the aggregator answered {(int)status} to cancelling {id}: {AggregatorClient.ErrorOf(body, "no reason given")}. Cancel it with chorus-aggregator queue cancel {id}.");
    }

    /// <summary>The task, once its state is an end (finished, cancelled, lost, failed).</summary>
    private static async Task<JsonElement> UntilOver(AggregatorClient client, string id, CancellationToken cancel)
    {
        while (true)
        {
            var (status, task) = await client.GetAsync($"/api/tasks/{id}");
            if (status != HttpStatusCode.OK)
                throw new CtlFailure(TaskExitCode.Unreachable, $"the aggregator answered {(int)status} to GET /api/tasks/{id}: {AggregatorClient.ErrorOf(task, "no reason given")}.");
            if (Enum.TryParse<TaskState>(ActionRun.Field(task, "state"), ignoreCase: true, out var state) && state.IsEnd()) return task;
            await Task.Delay(PollInterval, cancel);
        }
    }

    /// <summary>POST /api/tasks's body; "on" only when --on was given, so the aggregator's default (every node up) applies.</summary>
    public static string Body(TaskRequest request, bool onGiven)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("command");
            foreach (var word in request.Command) json.WriteStringValue(word);
            json.WriteEndArray();
            if (onGiven) json.WriteString("on", request.On);
            json.WriteString("group", request.Group);
            json.WriteStartArray("after");
            foreach (var id in request.After) json.WriteStringValue(id);
            json.WriteEndArray();
            if (request.Timeout is { } timeout) json.WriteString("timeout", $"{(long)timeout.TotalMilliseconds}ms");
            json.WriteBoolean("fold", request.Fold);
            json.WriteNumber("fold_window_ms", (long)request.FoldWindow.TotalMilliseconds);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
