using System.CommandLine;
using Chorus.Node.Procfile;

namespace Chorus.Node.Spec;

/// <summary>--spec FILE, shared by chorus-node and chorus-aggregator's embedded node.</summary>
public static class SpecFlag
{
    public static Option<string?> Option(string description) => new("--spec")
    {
        HelpName = "FILE",
        Description = $"{description} Every --env-file is read first, under each process's own env-files and environment.",
    };

    /// <summary>The spec's processes, or null when --spec was not given.</summary>
    public static IReadOnlyList<ProcessSpec>? Load(ParseResult parsed, Option<string?> option) =>
        parsed.GetValue(option) is { } path ? SpecFile.Load(path, ProcessFiles.EnvFileVariables(parsed)) : null;
}
