using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Tasks;

/// <summary>
/// The task queue with the real executables: a real aggregator and a real node running real commands, driven through
/// the task API (the CLI's own tests drive it through chorus-aggregator run and queue).
/// </summary>
public sealed class TaskQueueTests : IAsyncLifetime
{
    private TaskFleet _fleet = null!;

    public async Task InitializeAsync() => _fleet = await TaskFleet.StartAsync();

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task A_group_of_parallel_1_runs_three_tasks_one_after_another_and_the_rest_as_they_come()
    {
        using var set = await _fleet.Http.PutAsync("api/groups/serial", new StringContent("""{"parallel": 1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(set.IsSuccessStatusCode);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await _fleet.RunAsync("""{"command": ["sh", "-c", "echo one; sleep 0.5; echo two"], "group": "serial"}"""));

        var tasks = new List<JsonElement>();
        foreach (var id in ids) tasks.Add(await _fleet.WaitForStateAsync(id, "finished"));

        for (var i = 1; i < tasks.Count; i++)
        {
            // The aggregator's clock: the next started after the one before it ended; and on the node's clock too.
            Assert.True(Time(tasks[i], "started_at") >= Time(tasks[i - 1], "ended_at"), $"{ids[i]} started before {ids[i - 1]} ended");
            var (node, before) = (tasks[i].GetProperty("nodes")[0], tasks[i - 1].GetProperty("nodes")[0]);
            Assert.True(Time(node, "started_at") >= Time(before, "ended_at"), $"{ids[i]} started on n1 before {ids[i - 1]} ended there");
        }
        Assert.All(tasks, t => Assert.Equal(0, t.GetProperty("exit_code").GetInt32()));
        Assert.Contains("n1/task-" + ids[0] + " | two", await _fleet.LogsAsync(ids[0]));
    }

    [Fact]
    public async Task A_task_after_one_that_failed_never_starts_and_says_why()
    {
        var marker = Path.Combine(Path.GetTempPath(), "chorus-after-" + Guid.NewGuid().ToString("N"));
        var failing = await _fleet.RunAsync("""{"command": ["sh", "-c", "exit 3"]}""");
        var after = await _fleet.RunAsync($$"""{"command": ["touch", "{{marker}}"], "after": ["{{failing}}"]}""");

        var task = await _fleet.WaitForStateAsync(after, "failed");
        Assert.Contains($"{failing}, which it runs after (--after), finished with exit code 3", task.GetProperty("message").GetString());
        Assert.Equal((JsonValueKind.Null, 0, 255), (task.GetProperty("started_at").ValueKind, task.GetProperty("nodes").GetArrayLength(), task.GetProperty("exit_code").GetInt32()));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Cancel_stops_the_running_command_and_leaves_no_process()
    {
        var id = await _fleet.RunAsync("""{"command": ["sleep", "301"]}""");
        await _fleet.WaitForAsync(id, t => t.GetProperty("nodes") is { ValueKind: JsonValueKind.Array } nodes && nodes.GetArrayLength() == 1
                                          && nodes[0].GetProperty("state").GetString() == "running");
        Assert.NotEmpty(TaskFleet.ProcessesRunning("sleep", "301"));

        using var cancel = await _fleet.Http.PostAsync($"api/tasks/{id}/cancel", null);
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());

        var task = await _fleet.WaitForStateAsync(id, "cancelled");
        Assert.Equal(130, task.GetProperty("exit_code").GetInt32());
        Assert.Equal("cancelled", task.GetProperty("nodes")[0].GetProperty("state").GetString());
        Assert.Empty(TaskFleet.ProcessesRunning("sleep", "301"));
    }

    [Fact]
    public async Task A_task_still_running_at_its_timeout_is_stopped_and_timed_out()
    {
        var id = await _fleet.RunAsync("""{"command": ["sleep", "302"], "timeout": "1s"}""");

        var task = await _fleet.WaitForStateAsync(id, "finished");
        var node = task.GetProperty("nodes")[0];
        Assert.Equal(("timed-out", 255), (node.GetProperty("state").GetString(), task.GetProperty("exit_code").GetInt32()));
        Assert.True(node.GetProperty("duration_ms").GetInt64() >= 900, node.ToString());
        Assert.Empty(TaskFleet.ProcessesRunning("sleep", "302"));
    }

    [Fact]
    public async Task An_aggregator_killed_while_a_task_runs_reports_it_lost_after_a_restart_with_what_it_printed()
    {
        var id = await _fleet.RunAsync("""{"command": ["sh", "-c", "echo before-the-kill; sleep 3"]}""");
        await Eventually.True(async () => (await _fleet.LogsAsync(id)).Contains("before-the-kill"), TimeSpan.FromSeconds(30));

        await _fleet.RestartAggregatorAsync();

        var task = await _fleet.TaskAsync(id);
        Assert.Equal("lost", task.GetProperty("state").GetString());
        Assert.Contains("not run again", task.GetProperty("message").GetString());
        Assert.Equal("lost", task.GetProperty("nodes")[0].GetProperty("state").GetString());
        Assert.Contains("before-the-kill", await _fleet.LogsAsync(id));
        await _fleet.Aggregator.WaitForStdoutAsync(l => l.Contains("task-" + id) && l.Contains("lost"));
        // Ids go on: the next task is never given the lost one's.
        Assert.NotEqual(id, await _fleet.RunAsync("""{"command": ["true"]}"""));
    }

    private static DateTime Time(JsonElement element, string name) => element.GetProperty(name).GetDateTime();
}
