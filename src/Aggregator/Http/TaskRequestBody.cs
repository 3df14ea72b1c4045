using System.Text.Json;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// POST /api/tasks's body, checked, as a <see cref="TaskRequest"/> (README, "Run a command on the fleet"): only
/// "command" is required; every mistake is a <see cref="BadTaskBody"/> whose message says how to fix it.
/// </summary>
public static class TaskRequestBody
{
    private const string Example = "e.g. {\"command\": [\"uname\", \"-sr\"], \"on\": \"node:web*\"}";
    /// <summary>Longest fold window: a line held longer would not be live any more.</summary>
    public const int MaxFoldWindowMs = 60_000;

    /// <summary>
    /// Longest command line, quoted for /bin/sh as the node gets it: its RunTask must fit one remoting frame
    /// (maximum-frame-size, 128000 bytes, hocon/wire.conf), which discards a bigger one unanswered.
    /// </summary>
    public const int MaxCommandBytes = 100_000;

    private static readonly string[] Fields = ["command", "on", "group", "after", "timeout", "fold", "fold_window_ms"];

    public static TaskRequest From(byte[] body)
    {
        try
        {
            return Read(body);
        }
        // The parser leaves a string's bytes unchecked until it is read: invalid UTF-8, or a \uD800 without its pair, throws then.
        catch (InvalidOperationException e)
        {
            throw new BadTaskBody($"The body holds a string that is not text ({e.Message}). Send UTF-8, with \\u escapes only for whole characters.");
        }
    }

    private static TaskRequest Read(byte[] body)
    {
        var root = ActingRequest.ParseObject(body, Example, reason => new BadTaskBody(reason));
        foreach (var property in root.EnumerateObject())
            if (!Fields.Contains(property.Name))
                throw new BadTaskBody($"Unknown field \"{PrintableText.Quote(property.Name)}\". A task has {string.Join(", ", Fields)} (only command is required).");

        var command = Strings(root, "command") ?? throw new BadTaskBody($"\"command\" is missing: give the words to run, {Example}.");
        if (command.Count == 0 || command[0].Length == 0)
            throw new BadTaskBody($"\"command\" needs at least a program, {Example}.");
        if (command.Any(word => word.Contains('\0')))
            throw new BadTaskBody("\"command\" holds a NUL character, which no command line can carry. Drop it.");
        var quotedBytes = System.Text.Encoding.UTF8.GetByteCount(ShellWords.Join(command));
        if (quotedBytes > MaxCommandBytes)
            throw new BadTaskBody($"\"command\" is {quotedBytes} bytes once quoted for /bin/sh (each ' takes 4), over the {MaxCommandBytes} bytes " +
                                  "a node can be sent. Put a long script in a file on the nodes and run that.");

        var on = Text(root, "on") ?? "all";
        try
        {
            Selector.ParseNodes(on);
        }
        catch (SelectorException e)
        {
            throw new BadTaskBody($"\"on\": {e.Message}");
        }

        var group = Text(root, "group") ?? TaskRequest.DefaultGroup;
        if (!TaskGroup.IsValidName(group))
            throw new BadTaskBody($"\"group\" \"{PrintableText.Quote(group)}\" is not a group name: 1 to 64 of A-Z a-z 0-9 . _ -, e.g. \"builds\".");

        var after = Strings(root, "after") ?? [];
        foreach (var id in after)
            if (TaskStore.SeqOf(id) is null)
                throw new BadTaskBody($"\"after\": \"{PrintableText.Quote(id)}\" is not a task id. Give ids such as \"t1\", from queue list.");

        TimeSpan? timeout = null;
        if (Text(root, "timeout") is { } timeoutText)
        {
            try
            {
                timeout = DurationText.Parse(timeoutText, "\"timeout\"");
            }
            catch (UsageException e)
            {
                throw new BadTaskBody(e.Message);
            }
        }

        var fold = false;
        if (root.TryGetProperty("fold", out var foldValue) && foldValue.ValueKind != JsonValueKind.Null)
            fold = foldValue.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new BadTaskBody("\"fold\" must be true or false."),
            };

        var window = TaskRequest.DefaultFoldWindow;
        if (root.TryGetProperty("fold_window_ms", out var windowValue) && windowValue.ValueKind != JsonValueKind.Null)
        {
            if (windowValue.ValueKind != JsonValueKind.Number || !windowValue.TryGetInt32(out var ms) || ms < 1 || ms > MaxFoldWindowMs)
                throw new BadTaskBody($"\"fold_window_ms\" must be a whole number of milliseconds, 1 to {MaxFoldWindowMs}, e.g. 200.");
            window = TimeSpan.FromMilliseconds(ms);
        }
        return new TaskRequest(command, on, group, after, timeout, fold, window);
    }

    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new BadTaskBody($"\"{name}\" must be a JSON string, {Example}.");
        return value.GetString();
    }

    private static IReadOnlyList<string>? Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new BadTaskBody($"\"{name}\" must be an array of strings, {Example}.");
        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}

/// <summary>A task body that cannot be taken: answered 400 with its message.</summary>
public sealed class BadTaskBody(string message) : Exception(message);
