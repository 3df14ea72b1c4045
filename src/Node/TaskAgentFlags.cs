using System.Collections.Immutable;
using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Node.Spec;

namespace Chorus.Node;

/// <summary>
/// <c>--allow-run</c> and <c>--label KEY=VALUE</c>, shared by chorus-node and chorus-aggregator's embedded node: whether
/// the node runs the tasks the aggregator sends, and the labels a task's <c>--on label:KEY=VALUE</c> selects it by.
/// </summary>
public static class TaskAgentFlags
{
    public static readonly Option<bool> AllowRunOption = new("--allow-run")
    {
        Description = "Run the tasks the aggregator sends (chorus-aggregator run, POST /api/tasks). Off by default: anyone who holds " +
                      "the token could then run commands on this host. Needs a token (--token-file or CHORUS_TOKEN), or --insecure.",
    };

    public static readonly Option<string[]> LabelOption = new("--label")
    {
        HelpName = "KEY=VALUE",
        Description = "A label of this node, e.g. --label tier=backend; repeatable. Tasks select nodes by them (--on label:tier=backend); shown in /api/nodes.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Both flags, checked.</summary>
    public static TaskAgent From(ParseResult parsed, SecurityOptions security) => new(AllowRun(parsed, security), Labels(parsed));

    /// <summary>
    /// Whether --allow-run was given. Without a token it is refused (anyone who reaches the aggregator could run commands
    /// here) unless --insecure accepts the risk.
    /// </summary>
    public static bool AllowRun(ParseResult parsed, SecurityOptions security)
    {
        if (!parsed.GetValue(AllowRunOption)) return false;
        if (security.Token is not null) return true;
        if (security.Insecure)
        {
            Notice.Warning("--allow-run without a token (--insecure): anyone who can reach the aggregator can run commands on this host.");
            return true;
        }
        throw new UsageException(
            "--allow-run lets whoever holds the token run commands on this host, and no token is set, so anyone who can reach the " +
            $"aggregator could. Give the aggregator's token with --token-file FILE or the {AccessToken.EnvironmentVariable} environment " +
            "variable, drop --allow-run, or add --insecure to accept the risk.");
    }

    /// <summary>The --label flags as a map; a bad or repeated one is a usage error that says how to write it.</summary>
    public static IReadOnlyDictionary<string, string> Labels(ParseResult parsed)
    {
        var labels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var flag in parsed.GetValue(LabelOption) ?? [])
        {
            var equals = flag.IndexOf('=');
            var (key, value) = equals < 0 ? (flag, "") : (flag[..equals], flag[(equals + 1)..]);
            if (equals < 0 || !SpecNames.IsWord(key))
                throw new UsageException($"--label \"{PrintableText.Quote(flag)}\" is not KEY=VALUE with a key of 1 to 64 of A-Z a-z 0-9 _ -. " +
                                         "Write e.g. --label tier=backend.");
            if (!SpecNames.IsLabelValue(value))
                throw new UsageException($"--label {key}: \"{PrintableText.Quote(value)}\" is not a label value: 1 to 200 of A-Z a-z 0-9 . _ - " +
                                         "(what a selector's label:KEY=VALUE can name). Write e.g. --label tier=backend.");
            if (!labels.TryAdd(key, value))
                throw new UsageException($"--label {key} is given twice ({labels[key]} and {PrintableText.Quote(value)}). Give each key once.");
        }
        return labels.ToImmutable();
    }
}
