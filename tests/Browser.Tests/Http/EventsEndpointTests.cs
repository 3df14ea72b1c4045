using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

[Collection(WatchedAggregator.Collection)]
public sealed class EventsEndpointTests(WatchedAggregator watched)
{
    private readonly HttpClient _http = watched.Http;

    [Fact]
    public async Task Each_event_is_an_id_line_a_data_line_and_a_blank_line()
    {
        await using var events = await EventStream.OpenAsync(_http, "events?backlog=3");

        var raw = await events.ReadRawAsync(3);

        Assert.Equal("text/event-stream", events.ContentType);
        Assert.Matches(new Regex(@"\A(id: [1-9][0-9]*\ndata: \{""type"":""(line|event)""[^\n]*\}\n\n){3}\z"), raw);
    }

    [Fact]
    public async Task The_stream_opens_at_once_even_when_no_event_is_due()
    {
        // proc=none matches no process, so only the headers can arrive; the keep-alive comes after 15 s.
        await using var events = await EventStream.OpenAsync(_http, "events?proc=none").WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("text/event-stream", events.ContentType);
    }

    [Fact]
    public async Task Last_event_id_resumes_right_after_that_event_and_wins_over_backlog()
    {
        IReadOnlyList<ReceivedEvent> seen;
        await using (var first = await EventStream.OpenAsync(_http, "events?backlog=10"))
            seen = await first.NextAsync(10);

        await using var resumed = await EventStream.OpenAsync(_http, "events?backlog=0", lastEventId: seen[4].Id);
        var again = await resumed.NextAsync(5);

        Assert.Equal(seen.Skip(5), again);
    }

    [Fact]
    public async Task The_last_event_id_query_parameter_resumes_like_the_header_and_the_header_wins()
    {
        IReadOnlyList<ReceivedEvent> seen;
        await using (var first = await EventStream.OpenAsync(_http, "events?backlog=10"))
            seen = await first.NextAsync(10);

        await using var byQuery = await EventStream.OpenAsync(_http, $"events?backlog=0&last-event-id={seen[4].Id}");
        await using var byBoth = await EventStream.OpenAsync(_http, $"events?last-event-id={seen[0].Id}", lastEventId: seen[6].Id);

        Assert.Equal(seen.Skip(5), await byQuery.NextAsync(5));
        Assert.Equal(seen.Skip(7), await byBoth.NextAsync(3));
    }

    [Fact]
    public async Task Backlog_joins_the_live_stream_without_a_gap_or_a_repeat()
    {
        await using var events = await EventStream.OpenAsync(_http, "events?backlog=20");

        // 20 from the ring, then 20 that were live: unfiltered, ids count up by one across the seam.
        var ids = (await events.NextAsync(40)).Select(e => e.Id!.Value).ToArray();

        Assert.Equal(Enumerable.Range(0, 40).Select(i => ids[0] + i), ids);
    }

    [Fact]
    public async Task Backlog_of_one_process_continues_its_line_numbers_live()
    {
        await using var events = await EventStream.OpenAsync(_http, "events?proc=web&backlog=5");

        var lines = (await events.NextAsync(15)).Where(e => e.IsLine).Select(e => e.Json).ToArray();

        Assert.All(lines, line => Assert.Equal("web", (string?)line["proc"]));
        var seqs = lines.Select(line => (long)line["seq"]!).ToArray();
        Assert.Equal(Enumerable.Range(0, seqs.Length).Select(i => seqs[0] + i), seqs);
    }

    [Fact]
    public async Task Proc_glob_keeps_matching_processes_and_events_that_name_no_process()
    {
        // backlog as large as the ring: everything since the start, node-up included.
        await using var events = await EventStream.OpenAsync(_http, "events?proc=w*&backlog=10000");

        var received = await ReadUntil(events, seen => seen.Any(e => Proc(e) == "web") && seen.Any(e => Proc(e) == "worker"));

        Assert.All(received.Where(e => Proc(e) is not null), e => Assert.Matches("^(web|worker)$", Proc(e)));
        Assert.Contains(received, e => (string?)e.Json["event"] == "node-up");
    }

    [Fact]
    public async Task Stream_filter_keeps_lines_of_that_stream_and_passes_events()
    {
        await using var events = await EventStream.OpenAsync(_http, "events?stream=stderr&backlog=10000");

        var received = await ReadUntil(events, seen => seen.Count(e => e.IsLine) >= 3);

        Assert.All(received.Where(e => e.IsLine), e => Assert.Equal("stderr", (string?)e.Json["stream"]));
        Assert.Contains(received, e => (string?)e.Json["event"] == "started");
    }

    [Fact]
    public async Task Grep_keeps_lines_whose_text_matches_and_passes_events()
    {
        const string pattern = @"^worker err \d*[02468]$";
        await using var events = await EventStream.OpenAsync(_http, $"events?backlog=10000&grep={Uri.EscapeDataString(pattern)}");

        var received = await ReadUntil(events, seen => seen.Count(e => e.IsLine) >= 3);

        Assert.All(received.Where(e => e.IsLine), e => Assert.Matches(pattern, (string?)e.Json["text"]));
        Assert.Contains(received, e => (string?)e.Json["event"] == "node-up");
    }

    private static string? Proc(ReceivedEvent e) => (string?)e.Json["proc"];

    private static async Task<List<ReceivedEvent>> ReadUntil(EventStream events, Func<List<ReceivedEvent>, bool> enough)
    {
        var received = new List<ReceivedEvent>();
        while (!enough(received)) received.Add(await events.NextAsync());
        return received;
    }
}
