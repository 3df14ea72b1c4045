using System.Text.RegularExpressions;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using FsCheck;
using FsCheck.Fluent;
using static Chorus.Messages.Tests.Selection.SelectorGenerators;

namespace Chorus.Messages.Tests.Selection;

/// <summary>The language's laws, on random small selectors and processes (FsCheck's default 100 cases each).</summary>
public class SelectorPropertyTests
{
    private static void Holds<T>(Gen<T> gen, Func<T, bool> law) =>
        Check.QuickThrowOnFailure(Prop.ForAll(gen.ToArbitrary(), law));

    private static bool M(string selector, (string Node, ProcessInfo Process) target) =>
        Selector.Parse(selector).Matches(target.Node, target.Process);

    [Fact]
    public void Each_term_selects_what_a_plain_reading_of_README_says()
    {
        Holds(from term in Term from t in Target select (term, t), c =>
            M(c.term, c.t) == Reference(c.term, c.t.Node, c.t.Process));
    }

    [Fact]
    public void Comma_is_or()
    {
        Holds(from a in Alternatives from b in Alternatives from t in Target select (a, b, t), c =>
            M(Write(c.a) + ", " + Write(c.b), c.t) == (M(Write(c.a), c.t) || M(Write(c.b), c.t)));
    }

    [Fact]
    public void Space_is_and()
    {
        Holds(from a in Alternative from b in Alternative from t in Target select (a, b, t), c =>
            M(string.Join(' ', c.a) + " " + string.Join(' ', c.b), c.t) ==
            (M(string.Join(' ', c.a), c.t) && M(string.Join(' ', c.b), c.t)));
    }

    [Fact]
    public void Bang_is_not()
    {
        Holds(from term in NegatableTerm from t in Target select (term, t), c =>
            M("!" + c.term, c.t) == !M(c.term, c.t));
    }

    [Fact]
    public void All_matches_everything_and_changes_nothing_beside_other_terms()
    {
        Holds(from a in Alternatives from t in Target select (a, t), c =>
            M("all", c.t) && M(Write(c.a) + ", all", c.t) &&
            M("all " + Write(c.a), c.t) == M(Write(c.a), c.t));
    }

    [Fact]
    public void Parsing_its_own_text_gives_the_same_selector()
    {
        Holds(from a in Alternatives from t in Target select (a, t), c =>
        {
            var selector = Selector.Parse(Write(c.a));
            var again = Selector.Parse(selector.Text);
            return again.Text == selector.Text && again.Matches(c.t.Node, c.t.Process) == selector.Matches(c.t.Node, c.t.Process);
        });
    }

    [Fact]
    public void A_node_ruled_out_has_no_matching_process()
    {
        Holds(from a in Alternatives from t in Target select (a, t), c =>
        {
            var selector = Selector.Parse(Write(c.a));
            return selector.MayMatchNode(c.t.Node) || !selector.Matches(c.t.Node, c.t.Process);
        });
    }

    [Fact]
    public void Ignoring_nodes_is_the_selector_with_its_node_terms_struck_out()
    {
        Holds(from a in Alternatives from t in Target select (a, t), c =>
        {
            var struck = c.a.Select(terms => terms.Where(term => !term.TrimStart('!').StartsWith("node:")).DefaultIfEmpty("all").ToArray());
            return Selector.Parse(Write(c.a)).MatchesIgnoringNodes(c.t.Process) == struck.Any(terms => terms.All(term => Reference(term, c.t.Node, c.t.Process)));
        });
    }

    [Fact]
    public void Whitespace_between_terms_and_around_commas_does_not_change_the_meaning()
    {
        var spaced =
            from a in Alternatives
            from blanks in Blank.ArrayOf(a.Sum(terms => terms.Length + 2) + 2)
            from t in Target
            select (a, Respaced(a, blanks), t);
        Holds(spaced, c => M(Write(c.a), c.t) == M(c.Item2, c.t));
    }

    [Fact]
    public void Any_string_parses_or_is_refused_with_a_SelectorException()
    {
        Holds(Garbage, text =>
        {
            try
            {
                return Selector.Parse(text).Text == text.Trim();
            }
            catch (SelectorException e)
            {
                return e.Message.Length > 0;
            }
        });
    }

    [Fact]
    public void A_node_selector_selects_a_node_as_a_process_selector_selects_a_process_there_with_the_nodes_labels()
    {
        // A node judged by node: and label: is what any process of it would be, were the node's labels the process's.
        Holds(from a in NodeAlternatives from n in LabelledNode from name in Gen.Elements("web.1", "db") select (a, n, name), c =>
        {
            var selector = Selector.ParseNodes(Write(c.a));
            var standIn = Processes.Process(c.name, labels: c.n.Labels);
            return selector.MatchesNode(c.n.Node, c.n.Labels) == selector.Matches(c.n.Node, standIn);
        });
    }

    [Fact]
    public void Each_node_term_selects_what_a_plain_reading_of_README_says()
    {
        Holds(from term in NodeSelectorTerm from n in LabelledNode select (term, n), c =>
            Selector.ParseNodes(c.term).MatchesNode(c.n.Node, c.n.Labels) == Reference(c.term, c.n.Node, Processes.Process("p", labels: c.n.Labels)));
    }

    [Fact]
    public void Any_selector_with_a_process_term_is_refused_as_a_node_selector()
    {
        Holds(from a in Alternatives select a, a =>
        {
            var hasProcessTerm = a.SelectMany(t => t).Any(t => !t.TrimStart('!').StartsWith("node:") && !t.TrimStart('!').StartsWith("label:") && t != "all");
            try
            {
                Selector.ParseNodes(Write(a));
                return !hasProcessTerm;
            }
            catch (SelectorException e)
            {
                return hasProcessTerm && e.Message.Contains("--on selects nodes");
            }
        });
    }

    /// <summary>One term's verdict, worked out another way: globs as regular expressions, the rules as README words them.</summary>
    private static bool Reference(string term, string node, ProcessInfo process)
    {
        if (term.StartsWith('!'))
            return !Reference(term[1..], node, process);
        if (term == "all")
            return true;
        var colon = term.IndexOf(':');
        var (prefix, value) = colon < 0 ? ("", term) : (term[..colon], term[(colon + 1)..]);
        var keyValue = value.Split('=');
        return prefix switch
        {
            "" => Like(value, process.Name) || Like(value, process.Base),
            "node" => Like(value, node),
            "group" => process.Groups.Any(group => Like(value, group)),
            "label" => process.Labels.TryGetValue(keyValue[0], out var label) && (keyValue.Length == 1 || Like(keyValue[1], label)),
            "state" => value == "ready" ? process.State == ProcessState.Running && process.Ready : process.State.Name() == value,
            _ => throw new ArgumentException(term),
        };
    }

    private static bool Like(string glob, string name) =>
        Regex.IsMatch(name, @"\A" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + @"\z");

    /// <summary>The selector written with the given runs of whitespace around every comma, between terms and at both ends.</summary>
    private static string Respaced(string[][] alternatives, string[] blanks)
    {
        var next = 0;
        string Blank() => blanks[next++];
        var text = string.Join(",", alternatives.Select(terms => Blank() + string.Join(Blank(), terms) + Blank()));
        return Blank() + text + Blank();
    }
}
