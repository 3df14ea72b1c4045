using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>
/// The side panel's buttons and input box, and the selector box, in a real browser against a real aggregator
/// whose node runs real processes: what a click does is read back from the processes themselves (new pids,
/// an echoed line), never from the page's own idea of it.
/// </summary>
public sealed class ActionPageTests(ActingBrowserPage browser) : IClassFixture<ActingBrowserPage>
{
    private const string Node = WatchedAggregator.Node;
    private const string Rows = "#log .row";
    private static readonly Regex Pid = new(@"^\d+$");

    [Fact]
    public async Task A_process_restart_button_gives_it_a_new_pid_and_leaves_the_others_alone()
    {
        var page = await browser.OpenAsync();
        var soloPid = await PidOf(page, "solo");
        var webPid = await PidOf(page, "web");

        var restart = page.GetByRole(AriaRole.Button, new() { Name = $"Restart {Node}/solo", Exact = true });
        await restart.ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"restart {Node}/solo: ok");
        await Expect(page.Locator("#action-status")).ToHaveAttributeAsync("data-outcome", "ok");
        await Expect(Process(page, "solo").Locator(".pid")).Not.ToHaveTextAsync(soloPid);
        await Expect(restart).ToBeFocusedAsync();   // the panel was drawn anew with the new pid; focus stayed on the button
        await Expect(Process(page, "solo").Locator(".pid")).ToHaveTextAsync(Pid);
        await Expect(Process(page, "solo").Locator(".restarts")).ToHaveTextAsync(new Regex(@"^[1-9]\d*$"));   // another test may have restarted the node before
        Assert.Equal(webPid, await PidOf(page, "web"));
    }

    [Fact]
    public async Task A_second_click_while_the_first_restart_is_under_way_is_not_sent()
    {
        var page = await browser.OpenAsync();
        var posts = 0;
        page.Request += (_, request) => { if (request.Method == "POST" && request.Url.EndsWith("/api/actions")) Interlocked.Increment(ref posts); };
        var soloPid = await PidOf(page, "solo");

        var restart = page.GetByRole(AriaRole.Button, new() { Name = $"Restart {Node}/solo", Exact = true });
        // Both clicks before any answer can come: the page is told nothing between them.
        await restart.EvaluateAsync("button => { button.click(); button.click(); }");

        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"restart {Node}/solo: ok");
        await Expect(Process(page, "solo").Locator(".pid")).Not.ToHaveTextAsync(soloPid);
        Assert.Equal(1, Volatile.Read(ref posts));
    }

    [Fact]
    public async Task Stop_then_start_ends_the_process_and_runs_it_again()
    {
        var page = await browser.OpenAsync();
        var oldPid = await PidOf(page, "worker");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Stop {Node}/worker", Exact = true }).ClickAsync();
        await Expect(Process(page, "worker")).ToHaveAttributeAsync("data-state", "exited");
        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"stop {Node}/worker: ok");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Start {Node}/worker", Exact = true }).ClickAsync();
        await Expect(Process(page, "worker")).ToHaveAttributeAsync("data-state", "running");
        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"start {Node}/worker: ok");
        // Awaited, not read once: /api/nodes may show the table's "running" a moment before the new pid (a table
        // without a pid yet falls back on the stream's, which is the old run's until its started event arrives).
        await Expect(Process(page, "worker").Locator(".pid")).Not.ToHaveTextAsync(oldPid);
        await Expect(Process(page, "worker").Locator(".pid")).ToHaveTextAsync(Pid);
    }

    [Fact]
    public async Task An_action_a_process_refuses_shows_its_nodes_reason()
    {
        var page = await browser.OpenAsync();
        var pid = await PidOf(page, "api");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Start {Node}/api", Exact = true }).ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveAttributeAsync("data-outcome", "failed");
        await Expect(page.Locator("#action-status")).ToHaveTextAsync(new Regex(@$"^start {Node}/api: not done\. {Node}/api: already-running \(.*use restart.*\)$"));
        Assert.Equal(pid, await PidOf(page, "api"));
    }

    [Fact]
    public async Task A_group_restart_button_restarts_exactly_the_groups_processes()
    {
        var page = await browser.OpenAsync();
        var front = page.Locator("#panel-groups .group[data-group=front]");
        await Expect(page.Locator("#panel-groups .group")).ToHaveCountAsync(2);   // front and back, from the spec
        var webPid = await PidOf(page, "web");
        var apiPid = await PidOf(page, "api");
        var soloPid = await PidOf(page, "solo");

        await front.GetByRole(AriaRole.Button, new() { Name = "Restart group front", Exact = true }).ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveTextAsync("restart group front: ok (2 processes)");
        await Expect(Process(page, "web").Locator(".pid")).Not.ToHaveTextAsync(webPid);
        await Expect(Process(page, "api").Locator(".pid")).Not.ToHaveTextAsync(apiPid);
        Assert.Equal(soloPid, await PidOf(page, "solo"));
    }

    [Fact]
    public async Task A_node_restart_button_restarts_every_process_of_the_node()
    {
        var page = await browser.OpenAsync();
        string[] names = ["web", "api", "solo", "echo"];
        var before = new Dictionary<string, string>();
        foreach (var name in names) before[name] = await PidOf(page, name);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restart every process of node {Node}", Exact = true }).ClickAsync();

        await Expect(page.Locator("#action-status")).ToHaveTextAsync(new Regex(@$"^restart every process of node {Node}: ok \(\d+ processes\)$"));
        foreach (var name in names)
        {
            await Expect(Process(page, name)).ToHaveAttributeAsync("data-state", "running");
            await Expect(Process(page, name).Locator(".pid")).Not.ToHaveTextAsync(before[name]);
        }
    }

    [Fact]
    public async Task A_line_typed_into_the_input_box_reaches_the_processs_stdin_and_comes_back()
    {
        var page = await browser.OpenAsync();
        var input = page.Locator("#input-line");
        await Expect(input).ToBeDisabledAsync();
        var closed = page.GetByRole(AriaRole.Button, new() { Name = $"Input to {Node}/web", Exact = true });
        await Expect(closed).ToBeDisabledAsync();
        await Expect(closed).ToHaveAttributeAsync("title", new Regex("set stdin = true in its spec"));

        await page.GetByRole(AriaRole.Button, new() { Name = $"Input to {Node}/echo", Exact = true }).ClickAsync();
        await Expect(page.Locator("#input-target")).ToHaveTextAsync($"{Node}/echo");
        await input.FillAsync("hello from the page <b>1</b>");
        await input.PressAsync("Enter");

        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=echo] .text").Last).ToHaveTextAsync("hello from the page <b>1</b>");
        await Expect(page.Locator("#action-status")).ToHaveTextAsync($"input to {Node}/echo: ok");
        await Expect(input).ToHaveValueAsync("");
        await Expect(input).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_selector_box_narrows_the_rows_and_a_bad_selector_shows_the_servers_reason()
    {
        var page = await browser.OpenAsync();
        var box = page.Locator("#selector-input");
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=solo]").First).ToBeAttachedAsync();

        await box.FillAsync("group:front !api");
        await box.PressAsync("Enter");

        await Expect(page.Locator($"{Rows}[data-kind=line]:not([data-proc=web])")).ToHaveCountAsync(0);
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=web]").Nth(3)).ToBeAttachedAsync();

        await box.FillAsync("grp:front");
        await box.PressAsync("Enter");

        var error = page.Locator("#selector-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("unknown prefix grp:");
        await Expect(box).ToHaveAttributeAsync("aria-invalid", "");
        // The old view stays, and keeps coming.
        var shown = await page.Locator($"{Rows}[data-kind=line][data-proc=web]").CountAsync();
        await page.WaitForFunctionAsync("shown => document.querySelectorAll('#log .row[data-kind=line][data-proc=web]').length > shown + 2", shown);
        Assert.Equal(0, await page.Locator($"{Rows}[data-kind=line]:not([data-proc=web])").CountAsync());

        await box.FillAsync("");
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator($"{Rows}[data-kind=line][data-proc=solo]").First).ToBeAttachedAsync();
    }

    [Fact]
    public async Task A_screenshot_of_the_panel_with_its_controls_is_saved()
    {
        var page = await browser.OpenAsync();
        await Expect(Process(page, "echo").Locator(".pid")).ToHaveTextAsync(Pid);
        await Expect(page.Locator($"{Rows}[data-kind=line]").Nth(20)).ToBeAttachedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Input to {Node}/echo", Exact = true }).ClickAsync();

        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "action-page.png");
        await page.ScreenshotAsync(new() { Path = path });

        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to show the page.");
    }

    private static ILocator Process(IPage page, string name) => page.Locator($"#status-panel .proc[data-node={Node}][data-proc=\"{name}\"]");

    private static async Task<string> PidOf(IPage page, string name)
    {
        var pid = Process(page, name).Locator(".pid");
        await Expect(pid).ToHaveTextAsync(Pid);
        return await pid.TextContentAsync() ?? "";
    }
}
