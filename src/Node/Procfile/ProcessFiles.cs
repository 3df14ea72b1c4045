using System.CommandLine;
using Chorus.Hosting;
using Chorus.Node.Spec;

namespace Chorus.Node.Procfile;

/// <summary>
/// The files that say what a node runs and in which environment, as foreman reads them: --procfile without a FILE
/// means ./Procfile; the .env beside the Procfile, when there is one, then every --env-file FILE in order, each
/// overriding what came before, over the node's own environment. Shared by chorus-node and chorus-aggregator's embedded node.
/// </summary>
public static class ProcessFiles
{
    public const string DefaultProcfile = "Procfile";

    public static readonly Option<string[]> EnvFileOption = new("--env-file")
    {
        HelpName = "FILE",
        Description = "Set environment variables for the processes from this file of KEY=value lines (foreman's .env syntax: # comments, " +
                      "quotes, export prefix). Repeatable; later files win. A .env beside the Procfile is read first.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>An --procfile [FILE] option: given alone, it names ./Procfile.</summary>
    public static Option<string?> ProcfileOption(string description) => new("--procfile")
    {
        HelpName = "FILE",
        Description = $"{description} Without FILE: ./{DefaultProcfile}, as foreman.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>The Procfile to run, or null when --procfile was not given.</summary>
    public static string? ProcfilePath(ParseResult parsed, Option<string?> procfileOption)
    {
        if (parsed.GetResult(procfileOption) is null) return null;
        if (parsed.GetValue(procfileOption) is { } path) return path;
        // A folder named Procfile is there too: reading it says what is wrong, where "has none" would not.
        return File.Exists(DefaultProcfile) || Directory.Exists(DefaultProcfile)
            ? DefaultProcfile
            : throw new UsageException($"--procfile without a FILE runs ./{DefaultProcfile}, but {Directory.GetCurrentDirectory()} has none. " +
                                       "Start from the folder that holds your Procfile, or give its path, e.g. --procfile deploy/Procfile.");
    }

    /// <summary>The Procfile's processes, each with the environment its files set.</summary>
    public static IReadOnlyList<ProcessSpec> Load(string procfile, ParseResult parsed) =>
        WithEnvironment(ProcfileParser.Load(procfile), parsed, procfile).Select(e => ProcessSpec.FromProcfile(e, procfile)).ToArray();

    /// <summary>The entries with the variables of the .env beside <paramref name="procfile"/> (if any) and of every --env-file.</summary>
    public static IReadOnlyList<ProcfileEntry> WithEnvironment(IReadOnlyList<ProcfileEntry> entries, ParseResult parsed, string? procfile)
    {
        var besideProcfile = procfile is null ? null : Path.Combine(Path.GetDirectoryName(procfile) ?? "", ".env");
        var files = parsed.GetValue(EnvFileOption) ?? [];
        var environment = Variables(besideProcfile is not null && File.Exists(besideProcfile) ? [besideProcfile, .. files] : files);
        return environment.Count == 0 ? entries : entries.Select(e => e with { Environment = environment }).ToList();
    }

    /// <summary>The variables every --env-file FILE sets, later files winning (a --spec's processes set theirs over them).</summary>
    public static IReadOnlyDictionary<string, string> EnvFileVariables(ParseResult parsed) => Variables(parsed.GetValue(EnvFileOption) ?? []);

    private static Dictionary<string, string> Variables(IEnumerable<string> files)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var (key, value) in EnvFile.Load(file)) environment[key] = value;
        }
        return environment;
    }
}
