using System.Text;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ordering;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Selection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Chorus.Aggregator.Tests.Http;

public sealed class StreamQueryTests
{
    private static readonly AggregatorSettings Settings = AggregatorSettings.From(HoconFiles.Load("aggregator.conf"));

    [Fact]
    public void Proc_glob_takes_star_and_question_mark_and_is_case_sensitive()
    {
        var filter = Parse("proc=w?b*").Filter;

        Assert.True(filter.Matches(Line("web")));
        Assert.True(filter.Matches(Line("webhook")));
        Assert.False(filter.Matches(Line("worker")));
        Assert.False(filter.Matches(Line("Web")));
    }

    [Fact]
    public void Stream_and_grep_reach_the_filter()
    {
        var filter = Parse("stream=stderr&grep=time.?out").Filter;

        Assert.True(filter.Matches(Line("web", "upstream timeout", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("web", "upstream refused", OutputStream.Stderr)));
        Assert.False(filter.Matches(Line("web", "upstream timeout", OutputStream.Stdout)));
    }

    [Fact]
    public void Empty_values_and_the_pages_token_filter_nothing()
    {
        var query = Parse("node=&proc=&stream=&grep=&backlog=&format=&token=secret");

        Assert.True(query.Filter.Matches(Line("web")));
        Assert.Equal(0, query.Backlog);
        Assert.False(query.Text);
    }

    [Fact]
    public void Backlog_may_ask_for_the_whole_ring()
    {
        Assert.Equal(Settings.BacklogCapacity, Parse($"backlog={Settings.BacklogCapacity}").Backlog);
    }

    [Fact]
    public void Select_reaches_the_filter_beside_the_other_filters()
    {
        var query = Parse("select=w*&stream=stderr");

        Assert.Equal("w*", query.Select!.Text);
        Assert.True(query.Filter.Matches(Line("web", "x", OutputStream.Stderr)));
        Assert.False(query.Filter.Matches(Line("db", "x", OutputStream.Stderr)));
        Assert.False(query.Filter.Matches(Line("web", "x", OutputStream.Stdout)));
    }

    [Fact]
    public void No_select_is_no_selector()
    {
        Assert.Null(Parse("select=").Select);
    }

    [Theory]
    [InlineData("state:sleepy")]
    [InlineData("label:")]
    public void A_bad_selector_is_refused_with_the_parsers_message(string selector)
    {
        var parserSays = Assert.Throws<SelectorException>(() => Selector.Parse(selector)).Message;

        var refused = Assert.Throws<BadHttpRequestException>(() => Parse("select=" + selector));

        Assert.Equal(StatusCodes.Status400BadRequest, refused.StatusCode);
        Assert.StartsWith($"select=\"{selector}\" is not a selector: {parserSays.TrimEnd('.')}. URL-encode it", refused.Message);
    }

    private static StreamQuery Parse(string query) =>
        StreamQuery.Parse(new QueryCollection(query.Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => new StringValues(p[1]))), Settings, new FleetDirectory());

    private static OutputItem Line(string process, string text = "hello", OutputStream stream = OutputStream.Stdout) =>
        new("beta", NodeRecord.Line(process, stream, 1, DateTime.UtcNow, Encoding.UTF8.GetBytes(text), continued: false));
}
