using Chorus.Messages.Selection;

namespace Chorus.Messages.Tests.Selection;

/// <summary>The node selector of a task's --on: node:GLOB on the name, label: on the node's own labels, all, !, and, or.</summary>
public class NodeSelectorTests
{
    private static readonly Dictionary<string, string> Backend = new() { ["tier"] = "backend", ["zone"] = "a" };
    private static readonly Dictionary<string, string> None = new();

    private static bool M(string selector, string node, IReadOnlyDictionary<string, string> labels) =>
        Selector.ParseNodes(selector).MatchesNode(node, labels);

    [Fact]
    public void Node_term_matches_the_nodes_name_by_glob()
    {
        Assert.True(M("node:web-1", "web-1", None));
        Assert.True(M("node:web-*", "web-2", None));
        Assert.False(M("node:web-*", "db-1", None));
        Assert.False(M("node:WEB-1", "web-1", None));
    }

    [Fact]
    public void Label_term_reads_the_nodes_own_labels()
    {
        Assert.True(M("label:tier=backend", "n1", Backend));
        Assert.True(M("label:tier=back*", "n1", Backend));
        Assert.True(M("label:zone", "n1", Backend));
        Assert.False(M("label:tier=frontend", "n1", Backend));
        Assert.False(M("label:tier", "n1", None));
    }

    [Fact]
    public void All_bang_space_and_comma_mean_what_they_mean_for_processes()
    {
        Assert.True(M("all", "n1", None));
        Assert.True(M("!node:db-*", "web-1", None));
        Assert.False(M("!node:web-*", "web-1", None));
        Assert.True(M("node:web-* label:tier=backend", "web-1", Backend));
        Assert.False(M("node:web-* label:tier=backend", "web-1", None));
        Assert.True(M("node:db-*, label:zone=a", "web-1", Backend));
        Assert.False(M("node:db-*, label:zone=b", "web-1", Backend));
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("node:n1 group:workers", "group:workers")]
    [InlineData("state:running", "state:running")]
    [InlineData("all, !web*", "!web*")]
    public void A_process_term_is_refused_with_the_fix(string selector, string term)
    {
        var refusal = Assert.Throws<SelectorException>(() => Selector.ParseNodes(selector)).Message;

        Assert.Contains($"term \"{term}\"", refusal);
        Assert.Contains("--on selects nodes: use node:GLOB or label:KEY=VALUE", refusal);
        // A selector parsed for processes is refused the same way when asked about nodes.
        Assert.Equal(refusal, Assert.Throws<SelectorException>(() => Selector.Parse(selector).MatchesNode("n1", None)).Message);
    }

    [Fact]
    public void A_selector_that_does_not_parse_is_refused_by_the_parser_first() =>
        Assert.Contains("did you mean node:eu", Assert.Throws<SelectorException>(() => Selector.ParseNodes("nod:eu")).Message);
}
