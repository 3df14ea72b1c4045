using System.Net;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

[Collection(WatchedAggregator.Collection)]
public sealed class ErrorAnswerTests(WatchedAggregator watched)
{
    private readonly HttpClient _http = watched.Http;

    [Theory]
    [InlineData("events?grep=(", "grep=\"(\" is not a valid regex", "Not enough )'s")]
    [InlineData("events?grep=(a)%5C1", "grep=\"(a)\\1\" cannot run here", "without backreferences")]
    [InlineData("events?stream=both", "stream=\"both\" is not a stream", "use stream=stdout or stream=stderr")]
    [InlineData("events?backlog=-1", "backlog=\"-1\" is not a count", "from 0 to 10000")]
    [InlineData("events?backlog=10001", "backlog=10001 is more than the 10000 items", "at most backlog=10000")]
    [InlineData("events?procs=web", "\"procs\" is not a parameter", "Use node, proc, stream, grep, select, backlog")]
    [InlineData("events?proc=web&proc=db", "proc is given 2 times", "give it once")]
    [InlineData("events?format=text", "/events sends JSON only", "format=text is for /ws")]
    [InlineData("ws?format=xml", "format=\"xml\" is not a format", "use format=json (the default) or format=text")]
    [InlineData("ws?grep=%5B", "grep=\"[\" is not a valid regex", "Unterminated [] set")]
    [InlineData("events?last-event-id=yesterday", "last-event-id \"yesterday\" is not an id", "the last \"id:\" line")]
    [InlineData("ws?last-event-id=5", "last-event-id is for /events", "Use backlog=N here")]
    public async Task A_bad_query_is_a_400_that_says_what_is_wrong_and_what_to_do(string pathAndQuery, string what, string how)
    {
        using var response = await _http.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(what, body);
        Assert.Contains(how, body);
    }

    [Fact]
    public async Task A_last_event_id_that_is_not_a_number_is_a_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "events");
        request.Headers.Add("Last-Event-ID", "yesterday");
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Last-Event-ID \"yesterday\" is not an id", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("nothing-here")]
    [InlineData("favicon.ico")]
    [InlineData("api/nodes/alpha")]
    public async Task An_unknown_path_is_a_404_that_names_the_paths_there_are(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"Nothing at GET /{path}.", body);
        Assert.Contains("/events", body);
    }
}
