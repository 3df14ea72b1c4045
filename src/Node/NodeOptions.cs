using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Node;

/// <summary>chorus-node's command line, checked: every mistake becomes a <see cref="UsageException"/> that says how to fix it.</summary>
public sealed record NodeOptions(HostPort Aggregator, string Name, HostPort Listen, IReadOnlyList<ProcessSpec> Processes, SecurityOptions Security)
{
    /// <summary>chorus.node keys set by flags, as HOCON to put over hocon/node.conf.</summary>
    public string HoconOverrides { get; init; } = "";

    /// <summary>--allow-run and --label: whether it runs tasks, and the labels tasks select it by.</summary>
    public TaskAgent Tasks { get; init; } = TaskAgent.None;

    public static readonly Option<string> AggregatorOption = new("--aggregator")
    {
        Description = "The aggregator's node address, HOST:PORT (what it printed as \"nodes join at\").",
        Required = true,
    };

    public static readonly Option<string?> NameOption = new("--name")
    {
        Description = "This node's name in the stream: 1 to 64 of A-Z a-z 0-9 . _ -. Default: the host name.",
    };

    public static readonly Option<string?> ListenOption = new("--listen")
    {
        Description = "This node's own Akka.Remote endpoint, HOST:PORT, where the aggregator reaches it. " +
                      "Default: the local address on the route to the aggregator (loopback for a local aggregator), port 0. " +
                      "A non-loopback address needs a token or --insecure.",
    };

    public static readonly Option<string?> ProcfileOption = ProcessFiles.ProcfileOption("Run the processes of this Procfile (foreman syntax: \"name: command\").");

    public static readonly Option<string?> SpecOption = SpecFlag.Option("Run the processes of this spec (HOCON: processes { NAME { command = \"...\" } }; README, \"Process spec\").");

    public static readonly Option<string?> SpoolOption = new("--spool")
    {
        Description = "Directory where lines wait on disk while the aggregator is away and memory is full. " +
                      "Default: spool-dir in hocon/node.conf.",
    };

    public static readonly Option<string?> MaxBufferedBytesOption = new("--max-buffered-bytes")
    {
        HelpName = "SIZE",
        Description = "Lines held in memory (their text plus 80 bytes each) while the aggregator is slow or away; beyond it lines go to the spool. " +
                      "A size such as 64MiB, 512KiB or plain bytes. Default: max-buffered-bytes in hocon/node.conf.",
    };

    public static readonly Option<string?> SpoolMaxBytesOption = new("--spool-max-bytes")
    {
        HelpName = "SIZE",
        Description = "Largest the spool grows; past it the oldest spooled lines are dropped and a gap event says how many. " +
                      "A size such as 1GiB or 512KiB; 0 means no spool. Default: spool-max-bytes in hocon/node.conf.",
    };

    public static readonly Argument<string[]> CommandArgument = new("command")
    {
        Description = "Or run one command, given after --, e.g. -- python3 app.py",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static RootCommand CreateCommand() => new("chorus-node: runs processes and streams their output to a Chorus aggregator.")
    {
        AggregatorOption, NameOption, ListenOption, ProcfileOption, SpecOption, ProcessFiles.EnvFileOption, SpoolOption, MaxBufferedBytesOption, SpoolMaxBytesOption,
        SecurityOptions.TokenFileOption, SecurityOptions.InsecureOption, SecurityOptions.TlsCertOption, SecurityOptions.TlsKeyOption, SecurityOptions.TlsCaOption,
        TaskAgentFlags.AllowRunOption, TaskAgentFlags.LabelOption, ExitOnFlag.Option, ConfigFile.Option, CommandArgument,
    };

    public static NodeOptions From(ParseResult parsed)
    {
        var aggregator = HostPort.Parse(parsed.GetRequiredValue(AggregatorOption), "--aggregator");
        var name = NodeName.FromFlagOrHostName(parsed.GetValue(NameOption), "--name");
        var listen = parsed.GetValue(ListenOption) is { } l
            ? HostPort.Parse(l, "--listen")
            : new HostPort(AggregatorAddress.LocalAddressTowards(aggregator), 0);
        var command = parsed.GetValue(CommandArgument) ?? [];
        // Without "--" an unknown flag would be taken for the command and run.
        if (command.Length > 0 && !parsed.Tokens.Any(t => t.Value == "--"))
            throw new UsageException($"\"{command[0]}\" is not a flag of chorus-node. To run a command, put it after --, e.g. chorus-node --aggregator 127.0.0.1:4053 -- {string.Join(' ', command)}");
        var overrides = new List<string>();
        if (parsed.GetValue(SpoolOption) is { } spool)
            overrides.Add($"chorus.node.spool-dir = {HoconFiles.Quote(Path.GetFullPath(spool))}");
        if (parsed.GetValue(MaxBufferedBytesOption) is { } maxBuffered)
            overrides.Add($"chorus.node.max-buffered-bytes = {ByteSize.Parse(maxBuffered, "--max-buffered-bytes")}");
        if (parsed.GetValue(SpoolMaxBytesOption) is { } spoolMax)
            overrides.Add($"chorus.node.spool-max-bytes = {ByteSize.Parse(spoolMax, "--spool-max-bytes", zeroMeans: "means no spool")}");
        if (ExitOnFlag.Override(parsed) is { } exitOn) overrides.Add(exitOn);
        var security = SecurityOptions.From(parsed);
        ListenPolicy.Check(listen, "--listen", security);
        var tasks = TaskAgentFlags.From(parsed, security);
        return new NodeOptions(aggregator, name, listen, ReadEntries(parsed, command, tasks.AllowRun), security)
        {
            HoconOverrides = string.Join('\n', overrides),
            Tasks = tasks,
        };
    }

    /// <param name="allowRun">With --allow-run, nothing of its own to run is a pure task agent: it waits for tasks.</param>
    private static IReadOnlyList<ProcessSpec> ReadEntries(ParseResult parsed, string[] command, bool allowRun)
    {
        var given = new[] { parsed.GetResult(ProcfileOption) is not null, parsed.GetResult(SpecOption) is not null, command.Length > 0 }.Count(g => g);
        if (given > 1)
            throw new UsageException("Give exactly one of --procfile FILE, --spec FILE or a command after --; this command line has more than one.");
        if (SpecFlag.Load(parsed, SpecOption) is { } spec) return spec;
        if (ProcessFiles.ProcfilePath(parsed, ProcfileOption) is { } procfile) return ProcessFiles.Load(procfile, parsed);
        if (command.Length == 0 && allowRun) return [];
        if (command.Length == 0)
            throw new UsageException("Nothing to run. Give --procfile FILE, --spec FILE, or a command after --, e.g. chorus-node --aggregator 127.0.0.1:4053 -- python3 app.py " +
                                     "(or --allow-run alone, to run only the tasks the aggregator sends).");
        return ProcessFiles.WithEnvironment([CommandEntry.From(command)], parsed, procfile: null)
            .Select(e => ProcessSpec.FromProcfile(e, CommandEntry.Origin)).ToArray();
    }
}
