using System.Text.Json;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// The task queue's groups (README, "Run a command on the fleet"): PUT /api/groups/NAME sets a group's limits,
/// <c>{"parallel": N, "per_node": M}</c> (null or absent: no limit); GET /api/groups lists every group set or in use,
/// with "default". Setting is acting: checked as /api/actions is (<see cref="ActingRequest"/>).
/// </summary>
public static class GroupsEndpoint
{
    public const string Path = "/api/groups";
    private const string Example = "e.g. {\"parallel\": 2, \"per_node\": 1}";

    public static void Map(WebApplication app)
    {
        app.MapPut(Path + "/{name}", Set);
        app.MapGet(Path, List);
    }

    private static async Task Set(HttpContext context, string name)
    {
        if (await ActingRequest.ReadJsonBody(context, "A group's body", $"Send only its limits, {Example}.") is not { } body) return;
        TaskGroup group;
        try
        {
            group = Read(name, body);
        }
        catch (BadTaskBody e)
        {
            await ActingRequest.Error(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        if (await TasksEndpoint.Ask(context, queue => queue.SetGroupAsync(group)) is TaskGroup set)
            await ActingRequest.Json(context, StatusCodes.Status200OK, json => TaskJson.Write(json, set));
    }

    private static async Task List(HttpContext context)
    {
        if (await TasksEndpoint.Ask(context, queue => queue.GroupsAsync()) is not IReadOnlyList<TaskGroup> groups) return;
        await ActingRequest.Json(context, StatusCodes.Status200OK, json => TaskJson.WriteList(json, "groups", groups, TaskJson.Write));
    }

    private static TaskGroup Read(string name, byte[] body)
    {
        if (!TaskGroup.IsValidName(name))
            throw new BadTaskBody($"\"{PrintableText.Quote(name)}\" is not a group name: 1 to 64 of A-Z a-z 0-9 . _ -, e.g. PUT {Path}/builds.");
        var root = ActingRequest.ParseObject(body, Example, reason => new BadTaskBody(reason));
        foreach (var property in root.EnumerateObject())
            if (property.Name is not ("parallel" or "per_node"))
                throw new BadTaskBody($"Unknown field \"{PrintableText.Quote(property.Name)}\". A group has parallel and per_node, {Example}.");
        if (!root.TryGetProperty("parallel", out _))
            throw new BadTaskBody($"\"parallel\" is missing: how many of its tasks may run at once fleet-wide (null: no limit), {Example}.");
        return new TaskGroup(name, Limit(root, "parallel"), Limit(root, "per_node"));
    }

    private static int? Limit(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var limit) || limit < 1 || limit > TaskGroup.MaxLimit)
            throw new BadTaskBody($"\"{name}\" must be a whole number, 1 to {TaskGroup.MaxLimit}, or null for no limit, {Example}.");
        return limit;
    }
}
