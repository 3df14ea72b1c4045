using System.CommandLine;
using System.Net;
using System.Text.Json;
using Chorus.Hosting;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// chorus-aggregator queue list | cancel ID | logs ID | group NAME --parallel N [--per-node M]: the task queue of a
/// running aggregator, through /api/tasks and /api/groups. Exit codes as ctl's: 0 done, 1 the aggregator said no
/// (unknown task, already over), 2 usage, 6 token refused, 7 unreachable (README, "Run a command on the fleet").
/// </summary>
public static class QueueCommand
{
    private static readonly AggregatorAccess Access = new();

    private static readonly Argument<string> IdArgument = new("ID") { Description = "The task's id, as queue list shows it: t1, t2, ..." };

    private static readonly Argument<string> GroupArgument = new("NAME") { Description = "The queue group, as run --group names it." };

    private static readonly Option<int> ParallelOption = new("--parallel")
    {
        Description = "How many of the group's tasks run at once, fleet-wide.",
        Required = true,
    };

    private static readonly Option<int?> PerNodeOption = new("--per-node")
    {
        Description = "How many of the group's tasks run at once on one node. Default: no limit but --parallel.",
    };

    public static Command Create()
    {
        var list = new Command("list", "The tasks, oldest first: id, state, group, command, nodes, exit code, age.");
        list.SetAction(parsed => Guarded(parsed, client => TaskList.Run(client, Console.Out)));
        var cancel = new Command("cancel", "Cancel a task: kill it where it runs, or take it off the queue.") { IdArgument };
        cancel.SetAction(parsed => Guarded(parsed, client => Cancel(client, Id(parsed))));
        var logs = new Command("logs", "What a task printed, as text: kept by the aggregator, also after it ended.") { IdArgument };
        logs.SetAction(parsed => Guarded(parsed, client => Logs(client, Id(parsed))));
        var group = new Command("group", "Set a queue group's limits: --parallel N tasks at once fleet-wide, --per-node M on one node.")
        {
            GroupArgument, ParallelOption, PerNodeOption,
        };
        group.SetAction(parsed => Guarded(parsed, client => Group(client, parsed)));
        var queue = new Command("queue", "The task queue of a running aggregator: list, cancel ID, logs ID, group NAME --parallel N.")
        {
            list, cancel, logs, group,
        };
        Access.AddTo(queue, recursive: true);
        return queue;
    }

    /// <summary>Flags are checked (usage, exit 2) before the aggregator is asked; what stops the asking is its exit code.</summary>
    private static async Task<int> Guarded(ParseResult parsed, Func<AggregatorClient, Task<int>> act)
    {
        try
        {
            using var client = Access.Read(parsed).Client();
            return await act(client);
        }
        catch (CtlFailure e)
        {
            Notice.Error(e.Message);
            return e.ExitCode;
        }
    }

    private static string Id(ParseResult parsed)
    {
        var id = parsed.GetValue(IdArgument)!;
        return RunFlags.IsTaskId(id)
            ? id
            : throw new UsageException($"\"{PrintableText.Quote(id)}\" is not a task id. Give one as queue list shows it, e.g. t1.");
    }

    private static async Task<int> Cancel(AggregatorClient client, string id)
    {
        var (status, body) = await client.PostJsonAsync($"/api/tasks/{id}/cancel", "{}");
        switch (status)
        {
            case HttpStatusCode.OK:
                // A running task is answered as it stands, still running: it is cancelled once every node has ended it.
                Console.Out.WriteLine(ActionRun.Field(body, "state") == "cancelled" ? $"{id} cancelled" : $"{id} cancelled: stopping it on its nodes");
                return ExitCodes.Success;
            case HttpStatusCode.Conflict:
                Notice.Error(AggregatorClient.ErrorOf(body, $"{id} is already over; nothing to cancel."));
                return ExitCodes.NotAllOk;
            default:
                return Refused(status, body, id);
        }
    }

    private static async Task<int> Logs(AggregatorClient client, string id)
    {
        var (status, text) = await client.GetTextAsync($"/api/tasks/{id}/logs?format=text");
        if (status != HttpStatusCode.OK)
        {
            Notice.Error(status == HttpStatusCode.NotFound
                ? $"the aggregator knows no task {id}. queue list shows the tasks there are."
                : $"the aggregator answered {(int)status} to the logs of {id}: {PrintableText.Quote(text.Trim())}");
            return ExitCodes.NotAllOk;
        }
        Console.Out.Write(text);
        return ExitCodes.Success;
    }

    private static async Task<int> Group(AggregatorClient client, ParseResult parsed)
    {
        var name = parsed.GetValue(GroupArgument)!;
        var parallel = parsed.GetValue(ParallelOption);
        var perNode = parsed.GetValue(PerNodeOption);
        if (name.Length == 0) throw new UsageException("queue group needs a NAME, e.g. chorus-aggregator queue group deploys --parallel 1.");
        if (parallel < 1) throw new UsageException($"--parallel {parallel} is below 1. Give how many tasks may run at once, e.g. --parallel 1.");
        if (perNode < 1) throw new UsageException($"--per-node {perNode} is below 1. Give how many may run at once on one node, e.g. --per-node 1, or leave it out.");
        var (status, body) = await client.PutJsonAsync($"/api/groups/{Uri.EscapeDataString(name)}", GroupBody(parallel, perNode));
        if (status == HttpStatusCode.BadRequest)
            throw new UsageException(AggregatorClient.ErrorOf(body, "the aggregator refused the group as malformed."));
        if (status != HttpStatusCode.OK) return Refused(status, body, name);
        Columns.Write(Console.Out, [["GROUP", "PARALLEL", "PER-NODE"],
            [PrintableText.Escape(name), Or(ActionRun.Field(body, "parallel")), Or(ActionRun.Field(body, "per_node"))]]);
        return ExitCodes.Success;
    }

    private static string GroupBody(int parallel, int? perNode)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("parallel", parallel);
            if (perNode is { } m) json.WriteNumber("per_node", m);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int Refused(HttpStatusCode status, JsonElement body, string what)
    {
        Notice.Error(status == HttpStatusCode.NotFound
            ? AggregatorClient.ErrorOf(body, $"the aggregator knows no {what}. queue list shows the tasks there are.")
            : $"the aggregator answered {(int)status}: {AggregatorClient.ErrorOf(body, "no reason given")}.");
        return ExitCodes.NotAllOk;
    }

    private static string Or(string value) => value.Length == 0 ? "-" : value;
}
