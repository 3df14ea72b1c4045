using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Chorus.Browser.Tests.Support;
using Chorus.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Browser.Tests.Page;

/// <summary>
/// A task run with fold on two real nodes (the aggregator's embedded alpha and a chorus-node beta, both --allow-run),
/// as the page shows it: each line both printed once, under both names, as it comes (the first while the command
/// still sleeps), and the task's end as an event; the page's node
/// filter and /events?node= both keep it for either node.
/// </summary>
public sealed class FoldedTaskPageTests(FoldedTaskPageTests.TaskBrowserPage browser) : IClassFixture<FoldedTaskPageTests.TaskBrowserPage>
{
    private const string Rows = "#log .row";

    // Something of alpha's own keeps the aggregator's node (and the aggregator) running.
    private const string Procfile = "quiet: exec sleep 100000\n";

    // An idle /events stream says so soon: UntilIdleAsync reads up to that comment.
    private const string Config = "chorus.aggregator.events.keep-alive-interval = 300ms\n";

    private static readonly string StateDirectory = Directory.CreateTempSubdirectory("chorus-fold-state-").FullName;

    public sealed class TaskBrowserPage() : BrowserPage(WatchedAggregator.Running(Procfile, Config, "--allow-run", "--insecure", "--state-dir", StateDirectory))
    {
        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_line_every_node_printed_shows_once_under_all_their_names_while_the_task_runs_and_its_end_as_an_event()
    {
        var aggregator = browser.Aggregator;
        using var beta = ChorusProcess.Start("chorus-node", "--aggregator", aggregator.Join, "--listen", "127.0.0.1:0", "--name", "beta", "--allow-run", "--insecure");
        await Eventually.True(async () => (await aggregator.Http.GetStringAsync("api/nodes")).Contains("\"node\":\"beta\",\"state\":\"up\""), TimeSpan.FromSeconds(30));

        var page = await browser.OpenAsync();
        await Expect(page.Locator("#conn-state")).ToHaveAttributeAsync("data-state", "connected");
        // A long window: the line goes out as soon as both copies are in, and the window only bounds a wait that never ends.
        using var created = await aggregator.Http.PostAsync("api/tasks", new StringContent(
            """{"command": ["sh", "-c", "echo same on every node; sleep 5; echo again"], "fold": true, "fold_window_ms": 10000}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;

        var task = $"{Rows}[data-proc=task-{id}]";
        var finished = page.Locator($"{task}[data-event=task]").Filter(new() { HasText = $"task {id} finished with code 0" });
        var line = page.Locator($"{task}[data-kind=line]");
        // Folded live: the first line shows while the command still sleeps, not when it is over.
        await Expect(line).ToHaveCountAsync(1);
        await Expect(finished).ToHaveCountAsync(0);
        await Expect(line.First.Locator(".src")).ToHaveTextAsync($"[alpha,beta]/task-{id}");
        await Expect(line.First.Locator(".text")).ToHaveTextAsync("same on every node");
        await Expect(finished).ToHaveCountAsync(1);
        await Expect(line).ToHaveCountAsync(2);
        await Expect(line.Last.Locator(".src")).ToHaveTextAsync($"[alpha,beta]/task-{id}");

        await page.Locator("#filter-node").FillAsync("beta");
        await Expect(line).ToHaveCountAsync(2);
        await page.Locator("#filter-node").FillAsync("gamma");
        await Expect(line).ToHaveCountAsync(0);

        await using var events = await EventStream.OpenAsync(aggregator.Http, $"events?node=beta&proc=task-{id}&backlog=1000");
        var sent = (await events.UntilIdleAsync()).Where(e => e.IsLine).ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, folded => Assert.Equal(["alpha", "beta"], folded.Json["nodes"]!.AsArray().Select(n => (string)n!)));
        Assert.All(sent, folded => Assert.Null(folded.Json["node"]));
    }
}
