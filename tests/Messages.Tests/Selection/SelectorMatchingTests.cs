using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using static Chorus.Messages.Tests.Selection.Processes;

namespace Chorus.Messages.Tests.Selection;

public class SelectorMatchingTests
{
    private static readonly ProcessInfo Web1 = Process("web.1", "web", groups: ["web", "frontend"],
        labels: new() { ["tier"] = "frontend", ["zone"] = "a" });
    private static readonly ProcessInfo Web2 = Process("web.2", "web", groups: ["web", "frontend"]);
    private static readonly ProcessInfo Db = Process("db", state: ProcessState.Running, ready: false,
        labels: new() { ["tier"] = "backend" });
    private static readonly ProcessInfo Worker = Process("worker", state: ProcessState.Exited, ready: false, groups: ["workers"]);

    private static bool M(string selector, ProcessInfo process, string node = "eu-1") =>
        Selector.Parse(selector).Matches(node, process);

    [Fact]
    public void A_name_matches_the_instance_name_or_its_base()
    {
        Assert.True(M("web", Web1));
        Assert.True(M("web", Web2));
        Assert.True(M("web.2", Web2));
        Assert.False(M("web.2", Web1));
        Assert.False(M("web", Db));
        Assert.False(M("we", Web1)); // whole name, not a prefix
    }

    [Fact]
    public void Name_globs_use_star_and_question_mark_over_the_whole_name_case_sensitively()
    {
        Assert.True(M("w*", Web1));
        Assert.True(M("web.?", Web2));
        Assert.False(M("web.?", Db));
        Assert.True(M("*", Db));
        Assert.False(M("Web*", Web1));
        Assert.False(M("*eb", Worker));
        Assert.True(M("w*r", Worker));
    }

    [Fact]
    public void Node_term_matches_the_nodes_name_by_glob()
    {
        Assert.True(M("node:eu-1", Db, "eu-1"));
        Assert.True(M("node:eu*", Db, "eu-2"));
        Assert.False(M("node:eu*", Db, "us-1"));
        Assert.False(M("node:EU-1", Db, "eu-1"));
    }

    [Fact]
    public void Group_term_matches_any_of_the_groups_by_name_or_glob()
    {
        Assert.True(M("group:web", Web1));
        Assert.True(M("group:frontend", Web2));
        Assert.True(M("group:work*", Worker));
        Assert.False(M("group:web", Worker));
        Assert.False(M("group:*", Db)); // no groups at all
    }

    [Fact]
    public void Label_term_matches_the_value_by_glob_and_without_a_value_the_labels_presence()
    {
        Assert.True(M("label:tier=frontend", Web1));
        Assert.True(M("label:tier=back*", Db));
        Assert.False(M("label:tier=backend", Web1));
        Assert.False(M("label:tier=frontend", Web2));
        Assert.True(M("label:zone", Web1));
        Assert.False(M("label:zone", Db));
    }

    [Fact]
    public void A_star_matches_an_empty_label_value_and_nothing_else_does()
    {
        var empty = Process("p", labels: new() { ["note"] = "" });
        Assert.True(M("label:note=*", empty));
        Assert.True(M("label:note=**", empty));
        Assert.False(M("label:note=?", empty));
        Assert.False(M("label:note=a*", empty));
        Assert.True(M("label:note", empty));
    }

    [Theory]
    [InlineData(ProcessState.Waiting, false, "waiting")]
    [InlineData(ProcessState.Running, false, "running")]
    [InlineData(ProcessState.Running, true, "running ready")]
    [InlineData(ProcessState.Restarting, false, "restarting")]
    [InlineData(ProcessState.Exited, false, "exited")]
    [InlineData(ProcessState.GivenUp, false, "given-up")]
    public void State_term_matches_exactly_the_states_it_names(ProcessState state, bool ready, string expected)
    {
        var process = Process("p", state: state, ready: ready);
        var selected = StateTerm.Names.Where(name => M("state:" + name, process));
        Assert.Equal(expected.Split(' '), selected);
    }

    [Fact]
    public void All_matches_everything_and_is_not_a_process_name()
    {
        Assert.All(new[] { Web1, Db, Worker, Process("all") }, p => Assert.True(M("all", p)));
        Assert.True(M("all node:eu-1", Db, "eu-1"));
        Assert.False(M("all node:eu-1", Db, "us-1"));
        Assert.IsType<AllTerm>(Selector.Parse("all").Alternatives[0][0]);
        Assert.IsType<NameTerm>(Selector.Parse("all*").Alternatives[0][0]);
    }

    [Fact]
    public void Space_is_and_and_binds_tighter_than_comma_which_is_or()
    {
        const string selector = "group:web node:eu*, db";
        Assert.True(M(selector, Web1, "eu-1"));
        Assert.False(M(selector, Web1, "us-1"));
        Assert.True(M(selector, Db, "us-1"));
        Assert.False(M(selector, Worker, "eu-1"));
        Assert.False(M("web db", Web1));
        Assert.True(M("web,db", Db));
    }

    [Fact]
    public void Bang_negates_one_term()
    {
        Assert.False(M("!group:web", Web1));
        Assert.True(M("!group:web", Db));
        Assert.True(M("!web*", Db));
        Assert.True(M("group:web !web.1", Web2));
        Assert.False(M("group:web !web.1", Web1));
        Assert.True(M("!node:eu*", Db, "us-1"));
        Assert.True(M("!label:tier", Worker));
        Assert.False(M("!state:running", Db));
    }

    [Fact]
    public void Text_is_the_trimmed_input_and_ToString_returns_it()
    {
        var selector = Selector.Parse("  \tgroup:web  node:eu* ,db \r\n");
        Assert.Equal("group:web  node:eu* ,db", selector.Text);
        Assert.Equal(selector.Text, selector.ToString());
        Assert.Equal(2, selector.Alternatives.Count);
    }

    [Fact]
    public void Line_breaks_and_tabs_separate_terms_as_spaces_do()
    {
        var selector = Selector.Parse("group:web\nnode:eu*\t,\r\ndb");
        Assert.Equal([2, 1], selector.Alternatives.Select(a => a.Count));
        Assert.True(selector.Matches("eu-1", Web1));
        Assert.False(selector.Matches("us-1", Web1));
    }

    [Fact]
    public void Terms_print_as_written()
    {
        var terms = Selector.Parse("!web* node:eu-? group:g label:k=v* label:k state:given-up, all")
            .Alternatives.SelectMany(a => a).Select(t => t.ToString());
        Assert.Equal(["!web*", "node:eu-?", "group:g", "label:k=v*", "label:k", "state:given-up", "all"], terms);
    }

    [Fact]
    public void MayMatchNode_is_false_only_when_every_alternative_rules_the_node_out_by_a_node_term()
    {
        Assert.True(Selector.Parse("web").MayMatchNode("us-1"));
        Assert.False(Selector.Parse("node:eu*").MayMatchNode("us-1"));
        Assert.True(Selector.Parse("node:eu*").MayMatchNode("eu-1"));
        Assert.False(Selector.Parse("!node:us* web").MayMatchNode("us-1"));
        Assert.True(Selector.Parse("node:eu* web, db").MayMatchNode("us-1")); // db may be anywhere
        Assert.False(Selector.Parse("node:eu* web, node:eu-2 db").MayMatchNode("us-1"));
        Assert.True(Selector.Parse("!node:eu*").MayMatchNode("us-1"));
        Assert.True(Selector.Parse("all").MayMatchNode("anything"));
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var selector = Selector.Parse("group:w* label:tier=front* !state:exited node:eu-?, web.? label:zone, db, all");
        var miss = Selector.Parse("group:nope, label:tier=x*, worker*");
        selector.Matches("eu-1", Web1); // warm up (JIT, static constructors)
        miss.Matches("eu-1", Web1);
        selector.MayMatchNode("eu-1");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var hits = 0;
        for (var i = 0; i < 1000; i++)
        {
            hits += selector.Matches("eu-1", Web1) ? 1 : 0;
            hits += miss.Matches("eu-1", Web1) ? 1 : 0;
            hits += selector.MayMatchNode("us-1") ? 1 : 0;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, hits);
        Assert.Equal(0, allocated);
    }
}
