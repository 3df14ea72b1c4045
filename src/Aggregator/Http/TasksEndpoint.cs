using System.Buffers;
using Akka.Actor;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// The task API (README, "Run a command on the fleet"): POST /api/tasks queues one, GET lists them or shows one,
/// POST /api/tasks/ID/cancel cancels, GET /api/tasks/ID/logs replays what it printed from the store, in the stream's
/// own formats. Acting requests (POST) are checked as /api/actions is (<see cref="ActingRequest"/>); the watch token may
/// read, not act (<see cref="WatcherAuthentication"/>).
/// </summary>
public static class TasksEndpoint
{
    public const string Path = "/api/tasks";

    public static void Map(WebApplication app)
    {
        app.MapPost(Path, Create);
        app.MapGet(Path, List);
        app.MapGet(Path + "/{id}", Show);
        app.MapPost(Path + "/{id}/cancel", Cancel);
        app.MapGet(Path + "/{id}/logs", Logs);
    }

    private static async Task Create(HttpContext context)
    {
        if (await ActingRequest.ReadJsonBody(context, "A task's body", "Send a shorter command (a long script belongs in a file on the nodes).") is not { } body) return;
        TaskRequest request;
        try
        {
            request = TaskRequestBody.From(body);
        }
        catch (BadTaskBody e)
        {
            await ActingRequest.Error(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        switch (await Ask(context, queue => queue.SubmitAsync(request)))
        {
            case TaskInfo task:
                context.Response.Headers.Location = $"{Path}/{task.Id}";
                await ActingRequest.Json(context, StatusCodes.Status201Created, json => TaskJson.Write(json, task));
                break;
            case TaskQueueActor.Refused refused:
                await ActingRequest.Error(context, StatusCodes.Status400BadRequest, refused.Message);
                break;
        }
    }

    private static Task List(HttpContext context)
    {
        var tasks = Queue(context).Tasks();
        return ActingRequest.Json(context, StatusCodes.Status200OK, json => TaskJson.WriteList(json, "tasks", tasks, TaskJson.Write));
    }

    private static Task Show(HttpContext context, string id) =>
        Queue(context).Find(id) is { } task
            ? ActingRequest.Json(context, StatusCodes.Status200OK, json => TaskJson.Write(json, task))
            : NotFound(context, id);

    private static async Task Cancel(HttpContext context, string id)
    {
        if (!await ActingRequest.FromOwnOrigin(context)) return;
        switch (await Ask(context, queue => queue.CancelAsync(id)))
        {
            case TaskInfo task:
                await ActingRequest.Json(context, StatusCodes.Status200OK, json => TaskJson.Write(json, task));
                break;
            case TaskQueueActor.Refused refused:
                await ActingRequest.Error(context, StatusCodes.Status409Conflict, refused.Message);
                break;
            case TaskQueueActor.Unknown:
                await NotFound(context, id);
                break;
        }
    }

    /// <summary>JSON lines as /ws sends them (?format=text: text lines, as stdout without colours).</summary>
    private static async Task Logs(HttpContext context, string id)
    {
        if (Queue(context).Log(id) is not { } items)
        {
            await NotFound(context, id);
            return;
        }
        var text = context.Request.Query["format"].ToString() switch
        {
            "" or "json" => false,
            "text" => true,
            var other => (bool?)null,
        };
        if (text is null)
        {
            await ActingRequest.Error(context, StatusCodes.Status400BadRequest,
                $"format=\"{PrintableText.Quote(context.Request.Query["format"].ToString())}\" is not a format. Give format=json (the default) or format=text.");
            return;
        }
        IRecordFormatter formatter = text.Value ? new TextFormatter(color: false) : new JsonFormatter();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = text.Value ? "text/plain; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var item in items)
        {
            formatter.Write(item, buffer);
            if (buffer.WrittenCount < 64 * 1024) continue;
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
            buffer.ResetWrittenCount();
        }
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static Task NotFound(HttpContext context, string id) =>
        ActingRequest.Error(context, StatusCodes.Status404NotFound, $"There is no task {PrintableText.Quote(id)}. List the tasks with queue list (GET {Path}).");

    private static TaskQueue Queue(HttpContext context) => context.RequestServices.GetRequiredService<TaskQueue>();

    /// <summary>The queue's answer; null once answered 503 (the queue did not answer in time).</summary>
    internal static async Task<object?> Ask<T>(HttpContext context, Func<TaskQueue, Task<T>> ask)
    {
        try
        {
            return await ask(Queue(context));
        }
        catch (AskTimeoutException)
        {
            await ActingRequest.Error(context, StatusCodes.Status503ServiceUnavailable,
                "The aggregator's task queue did not answer in time. Try again; if it persists, the aggregator is overloaded.");
            return null;
        }
    }
}
