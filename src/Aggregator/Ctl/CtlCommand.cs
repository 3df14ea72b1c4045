using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// chorus-aggregator ctl: acts on the fleet through a running aggregator's POST /api/actions, or lists its
/// processes (ctl ps) from GET /api/nodes. Exit codes: README, "Exit codes".
/// </summary>
public static class CtlCommand
{
    private const string Ps = "ps";

    private static readonly Argument<string> VerbArgument = new("VERB")
    {
        Description = $"What to do: {ControlVerbNames.Known}; or {Ps} to list processes.",
    };

    private static readonly Argument<string?> SelectorArgument = new("SELECTOR")
    {
        Description = "Which processes, in the selector language (e.g. \"group:workers\", \"web* node:eu*\", all). Optional for ps.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Argument<string?> ArgArgument = new("ARG")
    {
        Description = "The verb's argument: a signal name for signal, a replica count for scale, a line of text for input.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly AggregatorAccess Access = new();

    public static Command Create()
    {
        var command = new Command("ctl", "Act on the processes a selector matches, on every node, through a running aggregator; or list them (ctl ps [SELECTOR]).")
        {
            VerbArgument, SelectorArgument, ArgArgument,
        };
        Access.AddTo(command);
        command.SetAction(Run);
        return command;
    }

    private static async Task<int> Run(ParseResult parsed)
    {
        try
        {
            return await Act(parsed);
        }
        catch (CtlFailure e)
        {
            Notice.Error(e.Message);
            return e.ExitCode;
        }
    }

    private static async Task<int> Act(ParseResult parsed)
    {
        var verbName = parsed.GetValue(VerbArgument)!;
        var selectorText = parsed.GetValue(SelectorArgument);
        var argument = parsed.GetValue(ArgArgument);
        using var client = Access.Read(parsed).Client();

        if (verbName == Ps)
        {
            if (argument is not null) throw new UsageException($"ps takes at most a selector, not \"{argument}\". E.g. chorus-aggregator ctl ps \"group:workers\".");
            var selector = selectorText is null ? null : ParseSelector(selectorText);
            return await ProcessList.Run(client, selector, Console.Out);
        }
        if (!ControlVerbNames.TryParse(verbName, out var verb))
            throw new UsageException($"\"{verbName}\" is not a verb. Give one of {ControlVerbNames.Known}, or {Ps}. E.g. chorus-aggregator ctl restart \"group:workers\".");
        if (selectorText is null)
            throw new UsageException($"{verbName} needs a SELECTOR: which processes (e.g. web, \"group:workers\", all).");
        ParseSelector(selectorText); // said here, before the aggregator is asked, with the same words it would use
        var takesArgument = verb is ControlVerb.Signal or ControlVerb.Scale or ControlVerb.Input;
        if (takesArgument && argument is null)
            throw new UsageException(verb switch
            {
                ControlVerb.Signal => "signal needs ARG: a signal name, e.g. chorus-aggregator ctl signal web HUP.",
                ControlVerb.Scale => "scale needs ARG: the number of replicas, e.g. chorus-aggregator ctl scale worker 3.",
                _ => "input needs ARG: the line to send, e.g. chorus-aggregator ctl input repl \"print(1)\".",
            });
        if (!takesArgument && argument is not null)
            throw new UsageException($"{verbName} takes no ARG (\"{argument}\"). Drop it; only signal, scale and input take one.");
        return await ActionRun.Run(client, verb, selectorText, argument, Console.Out);
    }

    /// <summary>The selector, or a <see cref="UsageException"/> in the words the aggregator would use.</summary>
    public static Selector ParseSelector(string text)
    {
        try
        {
            return Selector.Parse(text);
        }
        catch (SelectorException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
