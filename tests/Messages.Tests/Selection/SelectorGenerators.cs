using Chorus.Messages.Control;
using FsCheck;
using FsCheck.Fluent;
using static Chorus.Messages.Tests.Selection.Processes;

namespace Chorus.Messages.Tests.Selection;

/// <summary>
/// Small random selectors and processes for the property tests: terms are drawn from pools that hit and miss
/// the processes' names, nodes, groups, labels and states often, so every property is tested on both verdicts.
/// </summary>
internal static class SelectorGenerators
{
    public static readonly string[] Nodes = ["eu-1", "eu-2", "us-1"];

    private static readonly string[] Positive =
    [
        "web", "web*", "web.2", "w?b.1", "db", "worker*", "*", "*.1",
        "node:eu-*", "node:eu-1", "node:us-?", "node:*",
        "group:web", "group:work*", "group:*",
        "label:tier=backend", "label:tier=front*", "label:zone", "label:zone=a",
        "state:waiting", "state:running", "state:ready", "state:restarting", "state:exited", "state:given-up",
    ];

    /// <summary>One term as written: a pooled one, negated half the time, or now and then all.</summary>
    public static readonly Gen<string> Term = Gen.Frequency(
        (12, Gen.Elements(Positive)),
        (6, Gen.Elements(Positive).Select(t => "!" + t)),
        (1, Gen.Constant("all")));

    /// <summary>A term that may be negated: anything but all.</summary>
    public static readonly Gen<string> NegatableTerm = Term.Where(t => t != "all" && !t.StartsWith('!'));

    /// <summary>Terms of one alternative (space is "and"), 1 to 3.</summary>
    public static readonly Gen<string[]> Alternative = Gen.Choose(1, 3).SelectMany(n => Term.ArrayOf(n));

    /// <summary>A selector as its alternatives (comma is "or"), 1 to 3.</summary>
    public static readonly Gen<string[][]> Alternatives = Gen.Choose(1, 3).SelectMany(n => Alternative.ArrayOf(n));

    private static readonly Gen<ProcessInfo> AProcess =
        from name in Gen.Elements("web.1", "web.2", "db", "worker.1", "all", "cache")
        from state in Gen.Elements(Enum.GetValues<ProcessState>())
        from ready in Gen.Elements(true, false)
        from groups in Gen.SubListOf(new[] { "web", "workers", "db" })
        from tier in Gen.Elements<string?>(null, "backend", "frontend")
        from zone in Gen.Elements<string?>(null, "a", "b")
        select Process(name, name.Split('.')[0], state, ready && state == ProcessState.Running, groups.ToArray(), Labels(tier, zone));

    /// <summary>A process on a node.</summary>
    public static readonly Gen<(string Node, ProcessInfo Process)> Target =
        from node in Gen.Elements(Nodes)
        from process in AProcess
        select (node, process);

    /// <summary>Whitespace as people type it: one or more of space and tab.</summary>
    public static readonly Gen<string> Blank = Gen.Choose(1, 3).SelectMany(n => Gen.Elements(" ", "\t").ArrayOf(n)).Select(string.Concat);

    /// <summary>Strings over the selector's characters and a few it refuses, most of them short.</summary>
    public static readonly Gen<string> Garbage =
        Gen.Elements("a b w e . _ - * ? : = ! , node group label state all ( ) \" é \t \n \0 |".Split(' ').Append(" ").ToArray())
            .ListOf().Select(parts => string.Concat(parts));

    private static readonly string[] NodePositive =
    [
        "node:eu-*", "node:eu-1", "node:us-?", "node:*",
        "label:tier=backend", "label:tier=front*", "label:zone", "label:zone=a",
    ];

    /// <summary>One term of a node selector (--on): node: or label:, negated a third of the time, or now and then all.</summary>
    public static readonly Gen<string> NodeSelectorTerm = Gen.Frequency(
        (12, Gen.Elements(NodePositive)),
        (6, Gen.Elements(NodePositive).Select(t => "!" + t)),
        (1, Gen.Constant("all")));

    /// <summary>A node selector as its alternatives, 1 to 3 of 1 to 3 terms.</summary>
    public static readonly Gen<string[][]> NodeAlternatives =
        Gen.Choose(1, 3).SelectMany(n => Gen.Choose(1, 3).SelectMany(k => NodeSelectorTerm.ArrayOf(k)).ArrayOf(n));

    /// <summary>A node and its own labels.</summary>
    public static readonly Gen<(string Node, Dictionary<string, string> Labels)> LabelledNode =
        from node in Gen.Elements(Nodes)
        from tier in Gen.Elements<string?>(null, "backend", "frontend")
        from zone in Gen.Elements<string?>(null, "a", "b")
        select (node, Labels(tier, zone));

    public static string Write(string[][] alternatives) => string.Join(", ", alternatives.Select(a => string.Join(' ', a)));

    private static Dictionary<string, string> Labels(string? tier, string? zone)
    {
        var labels = new Dictionary<string, string>();
        if (tier is not null)
            labels["tier"] = tier;
        if (zone is not null)
            labels["zone"] = zone;
        return labels;
    }
}
