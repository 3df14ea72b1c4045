using System.CommandLine;
using System.Globalization;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// run's flags and its COMMAND, checked before anything is sent: every mistake is a <see cref="UsageException"/>
/// (exit 2) that says how to write it instead. README, "Run a command on the fleet".
/// </summary>
public static class RunFlags
{
    public static readonly Option<string?> OnOption = new("--on")
    {
        Description = "Which nodes run it: node:GLOB, label:KEY=VALUE (a node's --label), all, ! and spaces as in ctl's selectors. Default: every node up.",
    };

    public static readonly Option<string?> GroupOption = new("--group")
    {
        Description = $"Queue group it waits in (its limits: queue group NAME --parallel N). Default: the group named \"{TaskRequest.DefaultGroup}\".",
    };

    public static readonly Option<string?> AfterOption = new("--after")
    {
        Description = "Start only after these tasks finished with 0, e.g. --after t1,t2; if one did not, this one fails without starting.",
    };

    public static readonly Option<string?> TimeoutOption = new("--timeout")
    {
        Description = "Stop it on a node where it still runs after this long, with its unit as in HOCON: 30s, 5m, 1h. Default: no limit.",
    };

    public static readonly Option<bool> FoldOption = new("--fold")
    {
        Description = "Show a line that several nodes print alike within --fold-window once, tagged with their names: [n1,n2,n4] text.",
    };

    public static readonly Option<int?> FoldWindowOption = new("--fold-window")
    {
        Description = $"With --fold: how long a line waits for the same line from other nodes, in milliseconds. Default: {(int)TaskRequest.DefaultFoldWindow.TotalMilliseconds}.",
    };

    public static readonly Option<bool> DetachOption = new("--detach")
    {
        Description = "Print the task's id and return at once; follow it later with queue logs ID or the page.",
    };

    public static readonly Argument<string[]> CommandArgument = new("COMMAND")
    {
        Description = "The command and its arguments, after --: run by /bin/sh on each node, each word quoted as given.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static IEnumerable<Symbol> All => [OnOption, GroupOption, AfterOption, TimeoutOption, FoldOption, FoldWindowOption, DetachOption, CommandArgument];

    /// <summary>The task to ask for; <paramref name="onGiven"/> says whether --on was given (else the aggregator's default applies).</summary>
    public static TaskRequest Read(ParseResult parsed, out bool onGiven)
    {
        var command = parsed.GetValue(CommandArgument) ?? [];
        if (command.Length == 0 || command[0].Length == 0)
            throw new UsageException("run needs a COMMAND: put it after --, e.g. chorus-aggregator run --fold -- uname -sr.");
        var on = parsed.GetValue(OnOption);
        onGiven = on is not null;
        if (on is not null) NodeSelector(on);
        var group = parsed.GetValue(GroupOption);
        if (group is { Length: 0 })
            throw new UsageException($"--group is empty. Name a queue group, e.g. --group deploys, or leave it out for \"{TaskRequest.DefaultGroup}\".");
        var foldWindow = parsed.GetValue(FoldWindowOption);
        var fold = parsed.GetValue(FoldOption);
        if (foldWindow is { } window)
        {
            if (window is <= 0 or > TaskRequestBody.MaxFoldWindowMs)
                throw new UsageException($"--fold-window {window} is not 1 to {TaskRequestBody.MaxFoldWindowMs}. Give milliseconds, e.g. --fold-window 200.");
            if (!fold)
                throw new UsageException($"--fold-window {window} sets how --fold waits, and --fold is not given. Add --fold, or drop --fold-window.");
        }
        return new TaskRequest(command, on ?? "all", group ?? TaskRequest.DefaultGroup, After(parsed.GetValue(AfterOption)),
            Timeout(parsed.GetValue(TimeoutOption)), fold,
            foldWindow is { } ms ? TimeSpan.FromMilliseconds(ms) : TaskRequest.DefaultFoldWindow);
    }

    /// <summary>A task id as the aggregator gives them: t1, t2, ...</summary>
    public static bool IsTaskId(string text) =>
        text.Length >= 2 && text[0] == 't' && text[1] is >= '1' and <= '9' && text.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0
        && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static IReadOnlyList<string> After(string? text)
    {
        if (text is null) return [];
        var ids = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var id in ids)
            if (!IsTaskId(id))
                throw new UsageException($"--after \"{PrintableText.Quote(text)}\": \"{PrintableText.Quote(id)}\" is not a task id. Give ids as queue list shows them, separated by commas, e.g. --after t1,t2.");
        return ids.Distinct().ToList();
    }

    /// <summary>--on selects nodes: a selector that does not parse, or names processes, is said here in the aggregator's words.</summary>
    private static void NodeSelector(string text)
    {
        try
        {
            Selector.ParseNodes(text);
        }
        catch (SelectorException e)
        {
            throw new UsageException(e.Message);
        }
    }

    // The aggregator's own reading of a task's "timeout": what run accepts, it accepts.
    private static TimeSpan? Timeout(string? text) => text is null ? null : DurationText.Parse(text, "--timeout");
}
