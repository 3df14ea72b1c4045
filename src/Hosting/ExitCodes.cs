namespace Chorus.Hosting;

/// <summary>Exit codes both executables share; README lists them, scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A child process failed; used only when no child exit code is available to pass on.</summary>
    public const int ChildFailed = 1;

    /// <summary>Bad flags or input files: nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The node stopped before the aggregator acknowledged every line.</summary>
    public const int Undelivered = 3;

    /// <summary>A listener could not be opened (address in use, not permitted).</summary>
    public const int CannotListen = 4;

    /// <summary>The aggregator could not open its --archive at start, or write it later: it stops rather than acknowledge lines it did not keep.</summary>
    public const int CannotArchive = 5;

    /// <summary>The aggregator refused this node's join: its token is missing or wrong, its name breaks the rule, or max-nodes are up.
    /// For ctl: the aggregator refused the token (missing, wrong, or the watch token for an action).</summary>
    public const int Refused = 6;

    /// <summary>ctl: an action's outcome was not ok for some process, or the selector matched nothing.</summary>
    public const int NotAllOk = 1;

    /// <summary>ctl: the aggregator could not be reached at --url.</summary>
    public const int Unreachable = 7;

    /// <summary>The aggregator could not open its task store in --state-dir at start: it stops rather than run tasks it could not keep track of.</summary>
    public const int CannotKeepTasks = 8;
}
