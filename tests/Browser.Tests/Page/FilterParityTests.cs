using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>
/// For the same filter, the page shows what /events sends. The node writes a fixed set of lines (coloured
/// ones, mixed case, both pipes) and one process exits, so that once everything has arrived the page's rows
/// and the stream's items can be held side by side: the page filtering what it received, the server
/// filtering with StreamFilter.
/// </summary>
public sealed class FilterParityTests(FilterParityTests.StillBrowserPage browser, ITestOutputHelper output) : IClassFixture<FilterParityTests.StillBrowserPage>
{
    // colour writes its lines and exits with 1; quiet writes two and stays, so the aggregator keeps its node.
    private const string Procfile = """
        colour: printf '\033[31mError\033[0m: disk full\n'; printf 'warn \033[1mdisk\033[0m low\n'; echo 'error: lower case'; echo 'ERROR shouted' >&2; exit 1
        quiet: echo 'Quiet start'; echo 'quiet err' >&2; exec sleep 100000
        """;

    // node-up, two started, colour's four lines and its exit, quiet's two lines.
    private const int Everything = 10;

    // An idle /events stream says so soon: UntilIdleAsync reads up to that comment. A grep that outruns grep-timeout
    // lets its line through (README, by design); the default 20 ms is wall time, which a test process preempted under
    // the whole suite's load passed once (a fresh-clone CI run sent "quiet err" for (?i)^error). This test is about
    // what the filters mean, so its greps get all the time they need.
    private const string Config = """
        chorus.aggregator.events.keep-alive-interval = 300ms
        chorus.aggregator.grep-timeout = 10s

        """;

    public sealed class StillBrowserPage() : BrowserPage(WatchedAggregator.Running(Procfile, Config));

    public sealed record Filter(string Node = "", string Proc = "", string Stream = "all", string Search = "", bool Regex = false)
    {
        /// <summary>The query the page's filters stand for: the search box is grep=, escaped unless it is a regex.</summary>
        public string Query()
        {
            var parameters = new List<string> { "backlog=1000" };
            if (Node != "") parameters.Add("node=" + Uri.EscapeDataString(Node));
            if (Proc != "") parameters.Add("proc=" + Uri.EscapeDataString(Proc));
            if (Stream != "all") parameters.Add("stream=" + Stream);
            if (Search != "") parameters.Add("grep=" + Uri.EscapeDataString(Regex ? Search : System.Text.RegularExpressions.Regex.Escape(Search)));
            return "events?" + string.Join('&', parameters);
        }
    }

    public static TheoryData<string, Filter> Filters => new()
    {
        { "a search is case-sensitive and lets every event through", new Filter(Search: "error") },
        { "a search sees the colour codes between the words", new Filter(Search: "Error: disk") },
        { "a search finds a word inside colour codes", new Filter(Search: "disk") },
        { "a regex starting with (?i) ignores case", new Filter(Search: "(?i)^error", Regex: true) },
        { "a regex can ask for a colour code", new Filter(Search: @"\x1b\[1m", Regex: true) },
        { "stream keeps the events", new Filter(Stream: "stderr") },
        { "a proc glob keeps node-up, which names no process", new Filter(Proc: "col*") },
        { "every filter at once", new Filter(Node: "alp?a", Proc: "q*", Stream: "stdout", Search: "start") },
        { "a node that is not there leaves nothing", new Filter(Node: "other") },
        { "proc, stream and an anchored regex", new Filter(Proc: "quiet", Stream: "stderr", Search: "err$", Regex: true) },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task The_page_shows_what_the_events_endpoint_sends_for_the_same_filter(string why, Filter filter)
    {
        await UntilEverythingIsPublished();
        var page = await browser.OpenAsync();
        await Expect(page.Locator("#log .row")).ToHaveCountAsync(Everything);

        await Apply(page, filter);
        var shown = await Shown(page);
        List<string> sent;
        await using (var events = await EventStream.OpenAsync(browser.Aggregator.Http, filter.Query()))
            sent = (await events.UntilIdleAsync()).Select(e => Signature(e.Json)).ToList();

        output.WriteLine($"{why}: {filter.Query()}");
        foreach (var row in sent) output.WriteLine("  " + row);
        Assert.Equal(sent, shown);
    }

    private async Task UntilEverythingIsPublished()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var events = await EventStream.OpenAsync(browser.Aggregator.Http, "events?backlog=1000");
            var all = await events.UntilIdleAsync();
            if (all.Count >= Everything) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {all.Count} of {Everything} items were published: {string.Join(" | ", all.Select(e => e.Data))}");
        }
    }

    private static async Task Apply(IPage page, Filter filter)
    {
        await page.Locator("#filter-node").FillAsync(filter.Node);
        await page.Locator("#filter-proc").FillAsync(filter.Proc);
        await page.Locator("#filter-stream").SelectOptionAsync(filter.Stream);
        await page.Locator("#filter-regex").SetCheckedAsync(filter.Regex);
        await page.Locator("#filter-text").FillAsync(filter.Search);
        await Expect(page.Locator("#filter-error")).ToBeHiddenAsync();
    }

    /// <summary>Each row as <see cref="Signature"/> writes an item; a line's text as shown, without its badges.</summary>
    private static async Task<IReadOnlyList<string>> Shown(IPage page) =>
        await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#log .row')].map((row) => {
              const d = row.dataset;
              const text = d.kind === 'line'
                ? [...row.querySelector('.text').childNodes].filter((n) => !n.classList?.contains('badge')).map((n) => n.textContent).join('')
                : '';
              return [d.kind, d.node, d.proc, d.stream, d.event ?? '', text].join('|');
            })
            """);

    private static readonly Regex AnsiEscape = new(@"\e\[[0-?]*[ -/]*[@-~]");

    /// <summary>An item as kind|node|proc|stream|event|text, the text with its colour codes taken out as the page draws it.</summary>
    private static string Signature(JsonNode item)
    {
        var isLine = (string?)item["type"] == "line";
        string[] parts =
        [
            isLine ? "line" : "event",
            (string?)item["node"] ?? "",
            (string?)item["proc"] ?? "",
            isLine ? (string?)item["stream"] ?? "" : "",
            (string?)item["event"] ?? "",
            isLine ? AnsiEscape.Replace((string?)item["text"] ?? "", "") : "",
        ];
        return string.Join('|', parts);
    }
}
