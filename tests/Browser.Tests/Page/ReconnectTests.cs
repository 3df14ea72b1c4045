using Chorus.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>A page behind a connection that is cut and refused for a while, then restored.</summary>
public sealed class ReconnectTests(ReconnectTests.FastBrowserPage browser) : IClassFixture<ReconnectTests.FastBrowserPage>
{
    // About 500 lines a second, numbered on from 1: an outage of a few seconds misses more than the 1,000
    // items a fresh page asks for as backlog, and far fewer than the aggregator's ring of 10,000 keeps.
    private const string Procfile = """
        fast: i=0; while true; do seq -f 'fast %.0f' $((i+1)) $((i+50)); i=$((i+50)); sleep 0.1; done
        """;

    private const int MissedAtLeast = 2_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public sealed class FastBrowserPage() : BrowserPage(WatchedAggregator.Running(Procfile));

    [Fact]
    public async Task After_the_server_side_drops_it_the_page_resumes_from_its_last_id_and_shows_every_missed_line()
    {
        await using var proxy = new DroppingProxy(browser.Aggregator.Url);
        var page = await browser.OpenAsync(proxy.Url);
        var seen = new Requests(page);
        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator($"{FastLines}").Nth(100)).ToBeAttachedAsync();

        proxy.Drop();
        // The browser retries by itself first, with Last-Event-ID, is answered 503 and gives up: from then on
        // only the page's own reconnect can bring the stream back.
        var lastId = await BrowsersOwnRetry(proxy);
        var lastShown = LastNumber(await page.Locator(FastLines).AllTextContentsAsync());
        await UntilTheAggregatorHasPublished(lastShown + MissedAtLeast);
        proxy.Restore();

        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = (float)Bound.TotalMilliseconds });
        await page.WaitForFunctionAsync(
            $"() => [...document.querySelectorAll('{FastLines}')].some(e => Number(e.textContent.split(' ')[1]) > {lastShown + MissedAtLeast})",
            null, new() { Timeout = (float)Bound.TotalMilliseconds });

        Assert.Contains($"last-event-id={lastId}", seen.LastEventsUrl);
        var numbers = (await page.Locator(FastLines).AllTextContentsAsync()).Select(Number).ToList();
        var holes = numbers.Zip(numbers.Skip(1)).Where(p => p.Second != p.First + 1).Select(p => $"{p.First}->{p.Second}").ToList();
        var gaps = await page.Locator("#log .row[data-event=gap]").CountAsync();
        Assert.True(holes.Count == 0 || gaps > 0,
            $"The page shows fast {numbers[0]} to {numbers[^1]} with holes ({string.Join(", ", holes)}) and no gap: the outage vanished silently.");
        Assert.Contains(lastShown + 1, numbers);
    }

    private const string FastLines = "#log .row[data-kind=line][data-proc=fast] .text";

    private static long Number(string text) => long.Parse(text.Split(' ')[1]);

    private static long LastNumber(IReadOnlyList<string> texts) => Number(texts[^1]);

    /// <summary>The Last-Event-ID the browser sent when it retried by itself, and was refused.</summary>
    private static async Task<long> BrowsersOwnRetry(DroppingProxy proxy)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            foreach (var head in proxy.Refused.Where(h => h.StartsWith("GET /events", StringComparison.Ordinal)))
            {
                var header = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Last-Event-ID:", StringComparison.OrdinalIgnoreCase));
                if (header is not null) return long.Parse(header["Last-Event-ID:".Length..].Trim());
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The browser did not retry /events with Last-Event-ID within {Bound}: {string.Join(" | ", proxy.Refused)}");
            await Task.Delay(50); // polling period
        }
    }

    /// <summary>Waits until the fast process's line <paramref name="number"/> has been published, asking the aggregator directly.</summary>
    private async Task UntilTheAggregatorHasPublished(long number)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            await using var events = await EventStream.OpenAsync(browser.Aggregator.Http, "events?backlog=1&proc=fast");
            if ((long)(await events.NextAsync()).Json["seq"]! >= number) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The aggregator did not publish fast {number} within {Bound}.");
            await Task.Delay(200); // polling period
        }
    }

    /// <summary>The page's requests for /events, as the browser sent them.</summary>
    private sealed class Requests
    {
        private readonly Lock _lock = new();
        private string _lastUrl = "";

        public Requests(IPage page)
        {
            page.Request += (_, request) =>
            {
                if (!request.Url.Contains("/events", StringComparison.Ordinal)) return;
                lock (_lock) _lastUrl = request.Url;
            };
        }

        public string LastEventsUrl
        {
            get { lock (_lock) return _lastUrl; }
        }
    }
}
