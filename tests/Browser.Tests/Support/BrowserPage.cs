using Microsoft.Playwright;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// Headless Chromium from the distribution's package (apt-get install chromium), driven by Playwright:
/// never a browser download. Started once per test class, next to one <see cref="WatchedAggregator"/>;
/// each test opens the page in a context of its own.
/// </summary>
public class BrowserPage : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly WatchedAggregator _watched;

    public BrowserPage() : this(new WatchedAggregator())
    {
    }

    protected BrowserPage(WatchedAggregator watched) => _watched = watched;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public AggregatorProcess Aggregator => _watched.Aggregator;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"The browser tests drive {Chromium}, which is not installed. Install it with: apt-get install -y chromium");
        Assertions.SetDefaultExpectTimeout(15_000);
        await Task.WhenAll(_watched.InitializeAsync(), StartBrowser());
    }

    /// <summary>A fresh page (own cookies and storage) showing the aggregator's URL, or <paramref name="url"/> (a proxy's).</summary>
    public async Task<IPage> OpenAsync(Uri? url = null)
    {
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync((url ?? Aggregator.Url).ToString());
        return page;
    }

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await _watched.DisposeAsync();
    }

    private async Task StartBrowser()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
