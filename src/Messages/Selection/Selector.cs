using Chorus.Messages.Control;

namespace Chorus.Messages.Selection;

/// <summary>
/// One selector language for every set of processes: watchers' select=, actions, the CLI, the page (README,
/// "Selectors"). Parsed once, matched often: matching allocates nothing.
/// </summary>
public sealed class Selector
{
    // Arrays, not lists behind interfaces: looping over them in Matches needs no enumerator, so no allocation.
    private readonly SelectorTerm[][] alternatives;

    private Selector(string text, SelectorTerm[][] alternatives)
    {
        Text = text;
        this.alternatives = alternatives;
    }

    /// <summary>As written (trimmed).</summary>
    public string Text { get; }

    /// <summary>What it selects: any alternative (comma, "or") whose every term (space, "and") holds.</summary>
    public IReadOnlyList<IReadOnlyList<SelectorTerm>> Alternatives => alternatives;

    /// <summary>The selector, or a <see cref="SelectorException"/> that says what is wrong and how to write it.</summary>
    public static Selector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim(SelectorParser.Blanks);
        return new Selector(trimmed, SelectorParser.Parse(trimmed));
    }

    /// <summary>Whether <paramref name="process"/> of node <paramref name="node"/> is selected.</summary>
    public bool Matches(string node, ProcessInfo process)
    {
        foreach (var terms in alternatives)
        {
            if (AllHold(terms, node, process))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether some process of node <paramref name="node"/> could be selected, judging by the node's name alone
    /// (its node: terms): which nodes an action must ask, and which down nodes it reports as node-down.
    /// False only when every alternative has a node: term that rules the node out (a positive one it does not
    /// match, or a negated one it does), so false means no process of that node matches; true promises nothing.
    /// </summary>
    public bool MayMatchNode(string node)
    {
        foreach (var terms in alternatives)
        {
            if (!AnyRulesOut(terms, node))
                return true;
        }
        return false;
    }

    /// <summary>
    /// <paramref name="text"/> as a node selector (<c>--on</c> of a task): only terms that judge a node by itself
    /// (<c>all</c>, <c>node:</c>, <c>label:</c> of the node's labels, each perhaps with <c>!</c>). A
    /// <see cref="SelectorException"/> says what is wrong and how to write it.
    /// </summary>
    public static Selector ParseNodes(string text)
    {
        var selector = Parse(text);
        selector.RequireNodeTerms();
        return selector;
    }

    /// <summary>
    /// Whether node <paramref name="node"/>, labelled <paramref name="nodeLabels"/> (its <c>--label</c>s), is
    /// selected: what a task's <c>--on</c> runs on. A selector with a process term (a name, <c>group:</c>,
    /// <c>state:</c>) judges no node: it is refused with a <see cref="SelectorException"/> (see <see cref="ParseNodes"/>).
    /// </summary>
    public bool MatchesNode(string node, IReadOnlyDictionary<string, string> nodeLabels)
    {
        RequireNodeTerms();
        foreach (var terms in alternatives)
        {
            if (AllHoldFor(terms, node, nodeLabels))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="process"/> is selected judging by everything but its node: every <c>node:</c> term is taken to
    /// hold. For what names a process but no node: a task event about a whole task, which runs on many.
    /// </summary>
    public bool MatchesIgnoringNodes(ProcessInfo process)
    {
        foreach (var terms in alternatives)
        {
            if (AllHoldButNodes(terms, process))
                return true;
        }
        return false;
    }

    /// <summary>Refuses a selector that has a term that selects processes, not nodes, naming the first such term and the fix.</summary>
    public void RequireNodeTerms()
    {
        foreach (var terms in alternatives)
        {
            foreach (var term in terms)
            {
                if (!term.JudgesNodes)
                    throw new SelectorException(
                        $"selector \"{Text}\", term \"{term}\": --on selects nodes: use node:GLOB or label:KEY=VALUE " +
                        "(or all, each may start with !); names, group: and state: select processes, e.g. --on node:web-*, or --on label:tier=backend");
            }
        }
    }

    public override string ToString() => Text;

    private static bool AllHoldFor(SelectorTerm[] terms, string node, IReadOnlyDictionary<string, string> nodeLabels)
    {
        foreach (var term in terms)
        {
            if (!term.MatchesNode(node, nodeLabels))
                return false;
        }
        return true;
    }

    private static bool AllHold(SelectorTerm[] terms, string node, ProcessInfo process)
    {
        foreach (var term in terms)
        {
            if (!term.Matches(node, process))
                return false;
        }
        return true;
    }

    private static bool AllHoldButNodes(SelectorTerm[] terms, ProcessInfo process)
    {
        foreach (var term in terms)
        {
            if (term is not NodeTerm && !term.Matches("", process))
                return false;
        }
        return true;
    }

    private static bool AnyRulesOut(SelectorTerm[] terms, string node)
    {
        foreach (var term in terms)
        {
            if (term.RulesOutNode(node))
                return true;
        }
        return false;
    }
}
