using System.CommandLine;
using Chorus.Aggregator.Formatting;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Node;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Aggregator;

/// <summary>
/// chorus-aggregator's command line. Flags become HOCON overrides on top of hocon/aggregator.conf, where
/// the defaults live; every mistake becomes a <see cref="UsageException"/> that says how to fix it.
/// </summary>
public sealed record AggregatorOptions(string HoconOverrides, bool Color, IReadOnlyList<ProcessSpec>? Processes, string NodeName, SecurityOptions Security)
{
    /// <summary>The read-only token (--watch-token-file / CHORUS_WATCH_TOKEN); only ever with <see cref="SecurityOptions.Token"/>.</summary>
    public AccessToken? WatchToken { get; init; }

    /// <summary>The embedded node's --allow-run and --label (only with --procfile or --spec).</summary>
    public TaskAgent Tasks { get; init; } = TaskAgent.None;

    public static readonly Option<string?> ListenOption = new("--listen")
    {
        Description = "Akka.Remote endpoint where nodes join, HOST:PORT (port 0: any free port). Default: listen in hocon/aggregator.conf.",
    };

    public static readonly Option<string?> HttpOption = new("--http")
    {
        Description = "HTTP endpoint for the page, /ws and the API, HOST:PORT (port 0: any free port). Default: http in hocon/aggregator.conf.",
    };

    public static readonly Option<string?> ProcfileOption =
        ProcessFiles.ProcfileOption("Also run this Procfile's processes here, as a node inside the aggregator (the one-machine setup).");

    public static readonly Option<string?> SpecOption =
        SpecFlag.Option("Also run this spec's processes here, as a node inside the aggregator (HOCON; README, \"Process spec\").");

    public static readonly Option<string?> NameOption = new("--name")
    {
        Description = "Node name of the processes run with --procfile or --spec: 1 to 64 of A-Z a-z 0-9 . _ -. Default: the host name.",
    };

    public static readonly Option<string?> FormatOption = new Option<string?>("--format")
    {
        Description = "stdout format: text (for people) or json (one object per line, for programs). Default: format in hocon/aggregator.conf.",
    }.AcceptOnlyFromAmong(AggregatorSettings.Formats);

    public static readonly Option<bool> NoColorOption = new("--no-color")
    {
        Description = "No colours on stdout. Without it: none when NO_COLOR is set, colours when FORCE_COLOR is set (not 0), else colours only on a terminal.",
    };

    public static readonly Option<int?> ReorderWindowOption = new("--reorder-window")
    {
        Description = "Longest a line is held back to be ordered with other nodes' lines, in milliseconds. Default: reorder-window in hocon/aggregator.conf.",
    };

    public static readonly Option<string?> ArchiveOption = new("--archive")
    {
        Description = "Append everything nodes send to this JSON-lines file before acknowledging it; reread at start, " +
                      "so a restarted aggregator writes no line twice.",
    };

    public static readonly Option<int?> NodeTimeoutOption = new("--node-timeout")
    {
        Description = "A node not heard from for this long is reported node-down, in milliseconds. Default: node-timeout in hocon/aggregator.conf.",
    };

    public static readonly Option<string?> StateDirOption = new("--state-dir")
    {
        Description = "Directory of the task queue's store (tasks.db: tasks, groups, what tasks printed), kept across restarts. " +
                      "Default: tasks.state-dir in hocon/aggregator.conf (empty: $XDG_STATE_HOME/chorus, else ~/.local/state/chorus).",
    };

    public static RootCommand CreateCommand() => new("chorus-aggregator: merges the output of every Chorus node into one ordered stream.")
    {
        ListenOption, HttpOption, ProcfileOption, SpecOption, ProcessFiles.EnvFileOption, NameOption, FormatOption, NoColorOption, ReorderWindowOption, ArchiveOption, StateDirOption, NodeTimeoutOption,
        SecurityOptions.TokenFileOption, SecurityOptions.WatchTokenFileOption, SecurityOptions.InsecureOption, SecurityOptions.TlsCertOption, SecurityOptions.TlsKeyOption, SecurityOptions.TlsCaOption,
        TaskAgentFlags.AllowRunOption, TaskAgentFlags.LabelOption, ExitOnFlag.Option, ConfigFile.Option,
        Ctl.CtlCommand.Create(), Ctl.RunCommand.Create(), Ctl.QueueCommand.Create(),
    };

    public static AggregatorOptions From(ParseResult parsed)
    {
        var overrides = new List<string>();
        if (parsed.GetValue(ListenOption) is { } listen)
            overrides.Add($"chorus.aggregator.listen = {HoconFiles.Quote(HostPort.Parse(listen, "--listen").ToString())}");
        if (parsed.GetValue(HttpOption) is { } http)
            overrides.Add($"chorus.aggregator.http = {HoconFiles.Quote(HostPort.Parse(http, "--http").ToString())}");
        if (parsed.GetValue(FormatOption) is { } format)
            overrides.Add($"chorus.aggregator.format = {format}");
        if (parsed.GetValue(ReorderWindowOption) is { } window)
        {
            if (window < 0)
                throw new UsageException($"--reorder-window {window} is negative. Give milliseconds, e.g. --reorder-window 200 (0 writes lines as they arrive).");
            overrides.Add($"chorus.aggregator.reorder-window = {window}ms");
        }

        if (parsed.GetValue(ArchiveOption) is { } archive)
            overrides.Add($"chorus.aggregator.archive = {HoconFiles.Quote(Path.GetFullPath(archive))}");
        if (parsed.GetValue(StateDirOption) is { } stateDir)
        {
            if (stateDir.Trim().Length == 0) throw new UsageException("--state-dir is empty. Give a directory, e.g. --state-dir /var/lib/chorus.");
            overrides.Add($"chorus.aggregator.tasks.state-dir = {HoconFiles.Quote(Path.GetFullPath(stateDir))}");
        }
        if (parsed.GetValue(NodeTimeoutOption) is { } timeout)
        {
            if (timeout <= 0)
                throw new UsageException($"--node-timeout {timeout} is not positive. Give milliseconds, e.g. --node-timeout 8000.");
            overrides.Add($"chorus.aggregator.node-timeout = {timeout}ms");
        }

        if (ExitOnFlag.Override(parsed) is { } exitOn) overrides.Add(exitOn);

        var color = ColorChoice.Decide(parsed.GetValue(NoColorOption), Environment.GetEnvironmentVariable("NO_COLOR"),
            Environment.GetEnvironmentVariable("FORCE_COLOR"), Console.IsOutputRedirected);
        if (parsed.GetResult(ProcfileOption) is not null && parsed.GetResult(SpecOption) is not null)
            throw new UsageException("Give at most one of --procfile FILE and --spec FILE: the embedded node runs one of them.");
        var procfile = ProcessFiles.ProcfilePath(parsed, ProcfileOption);
        if (procfile is null && parsed.GetResult(SpecOption) is null && parsed.GetValue(ProcessFiles.EnvFileOption) is [var envFile, ..])
            throw new UsageException($"--env-file {envFile} sets variables for the processes of --procfile or --spec, and there is neither. Add --procfile FILE or --spec FILE, or drop --env-file.");
        var entries = procfile is null ? SpecFlag.Load(parsed, SpecOption) : ProcessFiles.Load(procfile, parsed);
        // The name is the embedded node's: without one, a host name outside the rule stops nothing.
        var name = entries is not null || parsed.GetValue(NameOption) is not null
            ? Chorus.Hosting.NodeName.FromFlagOrHostName(parsed.GetValue(NameOption), "--name")
            : Environment.MachineName;
        var security = SecurityOptions.From(parsed);
        if (entries is null && (parsed.GetValue(TaskAgentFlags.AllowRunOption) || parsed.GetValue(TaskAgentFlags.LabelOption) is [_, ..]))
            throw new UsageException("--allow-run and --label are the embedded node's, and there is none: add --procfile FILE or --spec FILE, " +
                                     "or give them to a chorus-node.");
        return new AggregatorOptions(string.Join('\n', overrides), color, entries, name, security)
        {
            WatchToken = SecurityOptions.WatchToken(parsed, security.Token),
            Tasks = TaskAgentFlags.From(parsed, security),
        };
    }
}
