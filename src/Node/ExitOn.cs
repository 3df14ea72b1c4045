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
