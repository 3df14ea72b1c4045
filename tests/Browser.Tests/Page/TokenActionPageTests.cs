using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>
/// The page's actions and selector box against an aggregator with a token: the token the page was given goes
/// with them, and the read-only watch token's refusal is shown as the aggregator worded it.
/// </summary>
public sealed class TokenActionPageTests(GuardedActingBrowserPage browser) : IClassFixture<GuardedActingBrowserPage>
{
    private const string Node = WatchedAggregator.Node;

    [Fact]
    public async Task With_the_token_a_restart_acts_and_the_selector_box_narrows_the_rows()
    {
        var page = await OpenWithToken(GuardedAggregator.Token);
        var pid = Pid(page, "solo");
        var before = await pid.TextContentAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restart {Node}/solo", Exact = true }).ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"restart {Node}/solo: ok");
        await Expect(pid).Not.ToHaveTextAsync(before!);

        await page.Locator("#selector-input").FillAsync("solo");
        await page.Locator("#selector-input").PressAsync("Enter");
        await Expect(page.Locator("#log .row[data-kind=line][data-proc=solo]").Nth(2)).ToBeAttachedAsync();
        await Expect(page.Locator("#log .row[data-kind=line]:not([data-proc=solo])")).ToHaveCountAsync(0);
        await Expect(page.Locator("#selector-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task With_the_watch_token_an_action_is_refused_and_the_reason_shown()
    {
        var page = await OpenWithToken(GuardedAggregator.WatchToken);
        var pid = Pid(page, "worker");
        var before = await pid.TextContentAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restart {Node}/worker", Exact = true }).ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveAttributeAsync("data-outcome", "error");
        await Expect(page.Locator("#action-status")).ToContainTextAsync($"restart {Node}/worker: The watch token can watch but not act");
        await Expect(page.Locator("#token-dialog")).ToBeHiddenAsync();   // the token is right, for watching: nothing to ask
        Assert.Equal(before, await pid.TextContentAsync());
    }

    private async Task<IPage> OpenWithToken(string token)
    {
        var page = await browser.OpenAsync();
        await page.Locator("#token-input").FillAsync(token);
        await page.Locator("#token-input").PressAsync("Enter");
        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(Pid(page, "worker")).ToHaveTextAsync(new Regex(@"^\d+$"));
        return page;
    }

    private static ILocator Pid(IPage page, string name) => page.Locator($"#status-panel .proc[data-node={Node}][data-proc={name}] .pid");
}
