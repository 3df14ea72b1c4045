using Chorus.Messages.Control;

namespace Chorus.Messages.Selection;

/// <summary>
/// One selector language for every set of processes: watchers' select=, actions, the CLI, the page (README,
/// "Selectors"). Parsed once, matched often: matching allocates nothing.
/// </summary>
public sealed class Selector
{
    private Selector(string text) => Text = text;

    /// <summary>As written (trimmed).</summary>
    public string Text { get; }

    /// <summary>The selector, or a <see cref="SelectorException"/> that says what is wrong and how to write it.</summary>
    public static Selector Parse(string text) => throw new NotImplementedException("the selector parser");

    /// <summary>Whether <paramref name="process"/> of node <paramref name="node"/> is selected.</summary>
    public bool Matches(string node, ProcessInfo process) => throw new NotImplementedException("the selector matcher");

    /// <summary>
    /// Whether some process of node <paramref name="node"/> could be selected, judging by the node's name alone
    /// (its node: terms): which nodes an action must ask, and which down nodes it reports as node-down.
    /// </summary>
    public bool MayMatchNode(string node) => throw new NotImplementedException("the selector matcher");

    public override string ToString() => Text;
}

/// <summary>A selector that cannot be parsed; the message says where and how to fix it.</summary>
public sealed class SelectorException(string message) : Exception(message);
