using System.Text;
using System.Text.RegularExpressions;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>
/// StreamFilter on its own, built as StreamQuery builds it. The page (wwwroot/filters.js) follows these same
/// rules; Browser.Tests' FilterParityTests hold the two side by side.
/// </summary>
public sealed class StreamFilterTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void No_filter_passes_everything()
    {
        var filter = new StreamFilter(null, null, null, null);

        Assert.True(filter.Matches(Line("alpha", "web", "hello")));
        Assert.True(filter.Matches(NodeUp("alpha")));
        Assert.True(filter.Matches(SlowClientGap()));
    }

    [Theory]
    [InlineData("alpha", "alpha", true)]
    [InlineData("al*", "alpha", true)]
    [InlineData("*", "alpha", true)]
    [InlineData("a?pha", "alpha", true)]
    [InlineData("a?pha", "aalpha", false)]
    [InlineData("alp", "alpha", false)]
    [InlineData("Alpha", "alpha", false)]
    [InlineData("ALPHA*", "alpha-1", false)]
    [InlineData("web.1", "web.1", true)]
    [InlineData("web.1", "webx1", false)]
    [InlineData(@"web\*", "web*", true)]
    [InlineData(@"web\*", "webhook", false)]
    [InlineData(@"a\b", "ab", true)]
    // .NET's matcher reads an escaped ? as a ? all the same; the page (filters.js) does too.
    [InlineData(@"web\?", "web?", true)]
    [InlineData(@"web\?", "webs", true)]
    public void Node_is_a_case_sensitive_glob_where_backslash_escapes(string glob, string node, bool passes)
    {
        Assert.Equal(passes, new StreamFilter(glob, null, null, null).Matches(Line(node, "web", "hello")));
    }

    [Fact]
    public void Proc_is_the_same_glob_over_the_process_name()
    {
        var filter = new StreamFilter(null, "w?b*", null, null);

        Assert.True(filter.Matches(Line("alpha", "web", "hello")));
        Assert.True(filter.Matches(Line("alpha", "webhook", "hello")));
        Assert.False(filter.Matches(Line("alpha", "worker", "hello")));
        Assert.False(filter.Matches(Line("alpha", "Web", "hello")));
    }

    [Fact]
    public void Started_and_exited_name_node_and_process_so_node_and_proc_filter_them()
    {
        var filter = new StreamFilter("alpha", "web", null, null);

        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Started("web", 42, Now))));
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Exited("web", 1, null, Now))));
        Assert.False(filter.Matches(new OutputItem("alpha", NodeRecord.Exited("db", 1, null, Now))));
        Assert.False(filter.Matches(new OutputItem("beta", NodeRecord.Started("web", 42, Now))));
    }

    [Fact]
    public void An_event_passes_a_filter_about_something_it_does_not_name()
    {
        var filter = new StreamFilter("alpha", "web", null, null);

        Assert.True(filter.Matches(NodeUp("alpha")), "node-up names no process");
        Assert.False(filter.Matches(NodeUp("beta")), "node-up names its node");
        Assert.True(filter.Matches(SlowClientGap()), "a slow client's gap names neither node nor process");
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Gap(null, 3, "spool-full", Now))), "a node's gap may name no process");
    }

    [Fact]
    public void Stream_keeps_the_lines_of_one_pipe_and_every_event()
    {
        var filter = new StreamFilter(null, null, OutputStream.Stderr, null);

        Assert.True(filter.Matches(Line("alpha", "web", "oops", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("alpha", "web", "fine", OutputStream.Stdout)));
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Exited("web", 1, null, Now))));
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Started("web", 42, Now))));
    }

    [Fact]
    public void Grep_applies_to_lines_only_so_every_event_passes_it()
    {
        var filter = Grep("nothing like this");

        Assert.False(filter.Matches(Line("alpha", "web", "hello")));
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Started("web", 42, Now))));
        Assert.True(filter.Matches(new OutputItem("alpha", NodeRecord.Exited("web", 1, null, Now))));
        Assert.True(filter.Matches(NodeUp("alpha")));
        Assert.True(filter.Matches(SlowClientGap()));
    }

    [Fact]
    public void Grep_is_case_sensitive_unless_the_pattern_says_otherwise()
    {
        Assert.True(Grep("error").Matches(Line("alpha", "web", "an error")));
        Assert.False(Grep("error").Matches(Line("alpha", "web", "an ERROR")));
        Assert.False(Grep("Error").Matches(Line("alpha", "web", "an error")));
        Assert.True(Grep("(?i)error").Matches(Line("alpha", "web", "an ERROR")));
    }

    [Fact]
    public void Grep_sees_the_raw_text_with_its_ansi_escapes()
    {
        var coloured = Line("alpha", "web", "\e[31mError\e[0m: disk full");

        Assert.True(Grep("Error").Matches(coloured));
        Assert.False(Grep("Error: disk").Matches(coloured));
        Assert.False(Grep("^Error").Matches(coloured));
        Assert.True(Grep(@"\x1b\[31m").Matches(coloured));
    }

    [Fact]
    public void Grep_reads_the_text_as_utf8()
    {
        Assert.True(Grep("^données ✓$").Matches(Line("alpha", "web", "données ✓")));
    }

    [Fact]
    public void A_line_the_pattern_takes_too_long_on_passes_rather_than_being_lost()
    {
        // Backtracking on purpose: StreamQuery's linear engine is hard to make time out on demand.
        var slow = new StreamFilter(null, null, null, new Regex("^(a+)+$", RegexOptions.None, TimeSpan.FromMilliseconds(1)));

        Assert.True(slow.Matches(Line("alpha", "web", new string('a', 5_000) + "!")));
    }

    [Fact]
    public void Every_filter_must_pass()
    {
        var filter = new StreamFilter("alpha", "web", OutputStream.Stderr, new Regex("timeout"));

        Assert.True(filter.Matches(Line("alpha", "web", "upstream timeout", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("beta", "web", "upstream timeout", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("alpha", "db", "upstream timeout", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("alpha", "web", "upstream timeout", OutputStream.Stdout)));
        Assert.False(filter.Matches(Line("alpha", "web", "upstream refused", OutputStream.Stderr)));
    }

    [Fact]
    public void A_folded_line_passes_node_when_any_node_that_printed_it_matches()
    {
        var folded = Line("n1", "task-t1", "Linux") with { FoldedNodes = ["n1", "n2", "n4"] };

        Assert.True(new StreamFilter("n4", null, null, null).Matches(folded));
        Assert.True(new StreamFilter("n*", null, null, null).Matches(folded));
        Assert.False(new StreamFilter("n3", null, null, null).Matches(folded));
    }

    [Fact]
    public void A_task_event_about_the_whole_task_passes_node_and_is_filtered_by_proc()
    {
        var finished = new OutputItem("", NodeRecord.Task("task-t1", "finished", 0, "", Now));

        Assert.True(new StreamFilter("n1", null, null, null).Matches(finished));
        Assert.True(new StreamFilter(null, "task-*", null, null).Matches(finished));
        Assert.False(new StreamFilter(null, "web", null, null).Matches(finished));
        Assert.False(new StreamFilter("n1", null, null, null).Matches(new OutputItem("n2", NodeRecord.Task("task-t1", "refused", null, "", Now))));
    }

    private static StreamFilter Grep(string pattern) =>
        new(null, null, null, new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));

    private static OutputItem Line(string node, string process, string text, OutputStream stream = OutputStream.Stdout) =>
        new(node, NodeRecord.Line(process, stream, 1, Now, Encoding.UTF8.GetBytes(text), continued: false));

    private static OutputItem NodeUp(string node) =>
        new(node, new NodeRecord(RecordKind.NodeUp, null, OutputStream.Stdout, 0, Now, default));

    // A gap the live feed tells one slow watcher about: it spans every source, so it names none.
    private static OutputItem SlowClientGap() => new("", NodeRecord.Gap(null, 3, "slow-client", Now));
}
