namespace Chorus.Node;

/// <summary>When the node ends by itself (<c>--exit-on</c>, <c>exit-on</c> in hocon/node.conf; README, "Exit policy").</summary>
public enum ExitOn
{
    /// <summary>Once no process runs or will run again: today's behaviour, the default.</summary>
    AllExited,
    /// <summary>foreman's: once one process has ended for good (on its own), stop the rest.</summary>
    FirstExit,
    /// <summary>Once one process has failed for good (on its own), stop the rest.</summary>
    Failure,
    /// <summary>Keep running with nothing left, until stopped.</summary>
    Never,
}

public static class ExitOnNames
{
    private static readonly Dictionary<string, ExitOn> ByName = new()
    {
        ["all-exited"] = ExitOn.AllExited, ["first-exit"] = ExitOn.FirstExit, ["failure"] = ExitOn.Failure, ["never"] = ExitOn.Never,
    };

    public static bool TryParse(string name, out ExitOn exitOn) => ByName.TryGetValue(name, out exitOn);

    public static string Known => string.Join(", ", ByName.Keys);
}

/// <summary><c>--exit-on</c>, shared by chorus-node and chorus-aggregator (its embedded node): it sets <c>chorus.node.exit-on</c>.</summary>
public static class ExitOnFlag
{
    public static readonly System.CommandLine.Option<string?> Option = new("--exit-on")
    {
        HelpName = "POLICY",
        Description = "When the node ends by itself: all-exited (once no process runs or will run again), first-exit (stop the rest once one " +
                      "has ended, as foreman), failure (stop the rest once one has failed), never (run until stopped). Default: all-exited.",
    };

    /// <summary>The HOCON line the flag sets, or null without the flag; an unknown policy is a usage error.</summary>
    public static string? Override(System.CommandLine.ParseResult parsed) =>
        parsed.GetValue(Option) is not { } policy ? null
        : ExitOnNames.TryParse(policy, out _) ? $"chorus.node.exit-on = {policy}"
        : throw new Hosting.UsageException($"--exit-on \"{Hosting.PrintableText.Quote(policy)}\" is not a policy. Use one of {ExitOnNames.Known}, e.g. --exit-on first-exit.");
}
