using System.IO.Enumeration;
using Chorus.Messages.Control;

namespace Chorus.Messages.Selection;

/// <summary>
/// One term of a selector (<c>web*</c>, <c>node:eu-*</c>, <c>!group:web</c>, ...): a test of one process on one
/// node. Terms hold only strings and enums, so testing one allocates nothing.
/// </summary>
public abstract class SelectorTerm
{
    protected SelectorTerm(bool negated) => Negated = negated;

    /// <summary>Written with <c>!</c>: the term holds where its test fails.</summary>
    public bool Negated { get; }

    public bool Matches(string node, ProcessInfo process) => Test(node, process) != Negated;

    /// <summary>
    /// Whether no process of <paramref name="node"/> can satisfy this term, from the node's name alone. Only a
    /// node: term can say so; every other term depends on the process and answers false.
    /// </summary>
    public virtual bool RulesOutNode(string node) => false;

    /// <summary>Whether the term judges a node by itself, by its name and its <c>--label</c>s: <c>all</c>, <c>node:</c>, <c>label:</c>.</summary>
    public virtual bool JudgesNodes => false;

    /// <summary>Whether node <paramref name="node"/>, labelled <paramref name="labels"/>, passes the term; only for a term that <see cref="JudgesNodes"/>.</summary>
    public bool MatchesNode(string node, IReadOnlyDictionary<string, string> labels) => TestNode(node, labels) != Negated;

    // Only terms that judge nodes override it; Selector checks JudgesNodes before it gets here.
    protected virtual bool TestNode(string node, IReadOnlyDictionary<string, string> labels) =>
        throw new InvalidOperationException($"\"{this}\" selects processes, not nodes");

    /// <summary>The term as it is written (canonical: the prefix, the value, a leading <c>!</c> when negated).</summary>
    public override string ToString() => (Negated ? "!" : "") + Body;

    protected abstract string Body { get; }

    protected abstract bool Test(string node, ProcessInfo process);

    /// <summary>
    /// <c>*</c> any text, <c>?</c> any one character, case-sensitive, whole name: .NET's matcher, the one the
    /// node=/proc= filters use, so the two glob dialects agree (its <c>\</c> escape cannot occur here: the parser
    /// refuses the character). It works on spans and allocates nothing when case matters. It calls no empty name a
    /// match, not even of <c>*</c>; a label's value may be empty, and <c>*</c> is "any text, also none".
    /// </summary>
    protected static bool GlobMatches(string glob, string name) => name.Length == 0
        ? glob.AsSpan().TrimStart('*').IsEmpty
        : FileSystemName.MatchesSimpleExpression(glob, name, ignoreCase: false);
}

/// <summary><c>all</c>: every process.</summary>
public sealed class AllTerm() : SelectorTerm(negated: false)
{
    protected override string Body => "all";
    protected override bool Test(string node, ProcessInfo process) => true;
    public override bool JudgesNodes => true;
    protected override bool TestNode(string node, IReadOnlyDictionary<string, string> labels) => true;
}

/// <summary><c>web</c>, <c>web*</c>, <c>web.2</c>: the instance's name or its spec's name matches.</summary>
public sealed class NameTerm(string glob, bool negated) : SelectorTerm(negated)
{
    public string Glob { get; } = glob;
    protected override string Body => Glob;

    // Name or Base, so that "web" selects web.1 and web.2 of a replicated web, and "web.2" just that one.
    protected override bool Test(string node, ProcessInfo process) =>
        GlobMatches(Glob, process.Name) || GlobMatches(Glob, process.Base);
}

/// <summary><c>node:GLOB</c>: the node's name matches.</summary>
public sealed class NodeTerm(string glob, bool negated) : SelectorTerm(negated)
{
    public string Glob { get; } = glob;
    protected override string Body => "node:" + Glob;
    protected override bool Test(string node, ProcessInfo process) => GlobMatches(Glob, node);
    public override bool JudgesNodes => true;
    protected override bool TestNode(string node, IReadOnlyDictionary<string, string> labels) => GlobMatches(Glob, node);

    // A positive term that the node fails, or a negated one that it passes, fails every process of it.
    public override bool RulesOutNode(string node) => GlobMatches(Glob, node) == Negated;
}

/// <summary><c>group:GLOB</c>: one of the spec's groups matches.</summary>
public sealed class GroupTerm(string glob, bool negated) : SelectorTerm(negated)
{
    public string Glob { get; } = glob;
    protected override string Body => "group:" + Glob;

    protected override bool Test(string node, ProcessInfo process)
    {
        // Indexing, not foreach: an IReadOnlyList's enumerator is boxed, which would allocate per match.
        var groups = process.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (GlobMatches(Glob, groups[i]))
                return true;
        }
        return false;
    }
}

/// <summary>
/// <c>label:KEY=GLOB</c>: the label KEY's value matches; <c>label:KEY</c>: the label is there, any value. A process's
/// labels (its spec's), or in a node selector the node's (<c>chorus-node --label</c>).
/// </summary>
public sealed class LabelTerm(string key, string? valueGlob, bool negated) : SelectorTerm(negated)
{
    public string Key { get; } = key;

    /// <summary>Null for <c>label:KEY</c> (has the label).</summary>
    public string? ValueGlob { get; } = valueGlob;

    protected override string Body => ValueGlob is null ? "label:" + Key : "label:" + Key + "=" + ValueGlob;

    protected override bool Test(string node, ProcessInfo process) => Holds(process.Labels);

    // In a node selector (--on) the same term reads the node's own --labels.
    public override bool JudgesNodes => true;
    protected override bool TestNode(string node, IReadOnlyDictionary<string, string> labels) => Holds(labels);

    private bool Holds(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Key, out var value) && (ValueGlob is null || GlobMatches(ValueGlob, value));
}

/// <summary>
/// <c>state:NAME</c>: the process is in that state. <c>ready</c> is Running with its readiness holding;
/// <c>running</c> is Running whether ready or not.
/// </summary>
public sealed class StateTerm(string name, ProcessState state, bool readyOnly, bool negated) : SelectorTerm(negated)
{
    /// <summary>As written: one of <see cref="Names"/>.</summary>
    public string Name { get; } = name;

    /// <summary>Every state a selector may name, in life order.</summary>
    public static readonly IReadOnlyList<string> Names = ["waiting", "running", "ready", "restarting", "exited", "given-up"];

    protected override string Body => "state:" + Name;

    protected override bool Test(string node, ProcessInfo process) =>
        process.State == state && (!readyOnly || process.Ready);

    /// <summary>The term for <paramref name="name"/>, or null when it names no state.</summary>
    public static StateTerm? Named(string name, bool negated) => name switch
    {
        "ready" => new StateTerm(name, ProcessState.Running, readyOnly: true, negated),
        "waiting" or "running" or "restarting" or "exited" or "given-up" =>
            new StateTerm(name, Enum.GetValues<ProcessState>().First(s => s.Name() == name), readyOnly: false, negated),
        _ => null,
    };
}
