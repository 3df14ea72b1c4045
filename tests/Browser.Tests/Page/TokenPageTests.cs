using Chorus.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>The page against an aggregator that needs a token: it asks, and then it shows the stream.</summary>
public sealed class TokenPageTests(GuardedBrowserPage browser) : IClassFixture<GuardedBrowserPage>
{
    [Fact]
    public async Task The_page_asks_for_the_token_and_shows_lines_once_it_is_given()
    {
        var page = await browser.OpenAsync();

        await Expect(page.Locator("#token-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "token");
        await page.Locator("#token-input").FillAsync(GuardedAggregator.Token);
        await page.Locator("#token-input").PressAsync("Enter");

        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator("#log .row[data-kind=line][data-proc=web]").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_token_is_asked_for_again_with_an_error()
    {
        var page = await browser.OpenAsync();
        await Expect(page.Locator("#token-dialog")).ToBeVisibleAsync();

        await page.Locator("#token-input").FillAsync("wrong");
        await page.Locator("#token-input").PressAsync("Enter");

        await Expect(page.Locator("#token-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#log .row[data-kind=line]")).ToHaveCountAsync(0);
    }
}
