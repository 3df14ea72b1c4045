using System.Net;
using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>The page in a real browser, against a real aggregator whose node runs four processes.</summary>
public sealed class PageTests(BrowserPage browser, ITestOutputHelper output) : IClassFixture<BrowserPage>
{
    private const string Rows = "#log .row";

    [Fact]
    public async Task Lines_of_every_process_appear_live()
    {
        var page = await browser.OpenAsync();

        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=web]").First).ToBeVisibleAsync();
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=worker][data-stream=stderr]").First).ToBeAttachedAsync();
        var shown = await page.Locator($"{Rows}[data-proc=web]").CountAsync();
        await page.WaitForFunctionAsync("shown => document.querySelectorAll('#log .row[data-proc=web]').length > shown", shown);
    }

    [Fact]
    public async Task A_proc_filter_hides_the_other_processes()
    {
        var page = await browser.OpenAsync();
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=worker]").First).ToBeAttachedAsync();

        await page.Locator("#filter-proc").FillAsync("web");

        await Expect(page.Locator($"{Rows}[data-kind=line]:not([data-proc=web])")).ToHaveCountAsync(0);
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=web]").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pause_holds_the_view_while_lines_arrive_and_resume_shows_them()
    {
        var page = await browser.OpenAsync();
        await Expect(page.Locator($"{Rows}[data-kind=line]").First).ToBeVisibleAsync();

        await page.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#pause")).ToHaveTextAsync("Resume");
        var held = await page.Locator(Rows).CountAsync();
        // web alone writes ten lines a second: wait until at least ten are held back.
        await Expect(page.Locator("#pending-count")).ToHaveTextAsync(new Regex(@"^([1-9]\d+) new lines$"));

        Assert.Equal(held, await page.Locator(Rows).CountAsync());

        await page.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#pause")).ToHaveTextAsync("Pause");
        await page.WaitForFunctionAsync("held => document.querySelectorAll('#log .row').length >= held + 10", held);
    }

    [Fact]
    public async Task The_status_panel_shows_the_exit_code_of_an_exited_process()
    {
        var page = await browser.OpenAsync();

        var once = page.Locator($"#status-panel .proc[data-node={WatchedAggregator.Node}][data-proc=once]");
        await Expect(once).ToHaveAttributeAsync("data-state", "exited");
        await Expect(once.Locator(".exit-code")).ToHaveTextAsync("3");
        await Expect(page.Locator($"#status-panel .proc[data-proc=web]")).ToHaveAttributeAsync("data-state", "running");
    }

    [Fact]
    public async Task The_status_panel_names_a_nodes_chorus_version_in_its_tooltip()
    {
        var page = await browser.OpenAsync();

        await Expect(page.Locator($"#status-panel .node[data-node={WatchedAggregator.Node}] .node-name"))
            .ToHaveAttributeAsync("title", new Regex(@"\(Chorus \d+\.\d+\.\d+\+([0-9a-f]{7,}|unknown)\)$"));
    }

    [Fact]
    public async Task A_line_written_after_its_process_exited_carries_a_mark()
    {
        var page = await browser.OpenAsync();

        // behind's shell exited at once; the loop it left in the background writes a line a second.
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=behind] .badge.after-exit").First).ToHaveTextAsync("after exit");
        await Expect(page.Locator($"{Rows}[data-proc=web] .badge.after-exit")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_line_of_markup_shows_as_text_and_never_runs()
    {
        var page = await browser.OpenAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };

        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=markup] .text").First).ToHaveTextAsync("<script>alert(1)</script>");

        Assert.Equal(0, await page.Locator("#log script").CountAsync());
        Assert.Equal(1, await page.Locator("script").CountAsync()); // app.js, which imports the other modules
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task Each_module_of_the_page_is_served_as_javascript_and_fetched_anew_after_an_upgrade()
    {
        var page = await browser.OpenAsync();
        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");

        var scripts = await page.EvaluateAsync<string[]>(
            "() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js'))");

        Assert.Contains("/app.js", scripts);
        Assert.Contains("/filters.js", scripts);
        foreach (var path in scripts)
        {
            using var response = await browser.Aggregator.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
            Assert.True(response.Headers.CacheControl?.NoCache, $"{path}: Cache-Control is {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task A_screenshot_of_the_live_page_is_saved()
    {
        var page = await browser.OpenAsync();
        await Expect(page.Locator("#status-panel .proc[data-proc=once] .exit-code")).ToHaveTextAsync("3");
        await Expect(page.Locator($"{Rows}[data-kind=line]").Nth(30)).ToBeAttachedAsync();

        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "watch-page.png");
        await page.ScreenshotAsync(new() { Path = path });

        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to show the page.");
        output.WriteLine($"screenshot: {path}");
    }
}
