using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Tasks;

/// <summary>
/// A real aggregator (its task store in a state directory of its own) and one real chorus-node that runs tasks
/// (--allow-run, with a token), driven through the task API. <see cref="RestartAggregatorAsync"/> kills the aggregator
/// with -9 and starts it again on the same listen address and state directory, so the node comes back to it.
/// </summary>
public sealed class TaskFleet : IAsyncDisposable
{
    private const string TokenText = "a-token-for-the-task-tests";
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-tasks-").FullName;
    private string _join = "";

    private TaskFleet()
    {
    }

    public ChorusProcess Aggregator { get; private set; } = null!;
    public ChorusProcess Node { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string StateDirectory => Path.Combine(_directory, "state");
    private string TokenFile => Path.Combine(_directory, "token");

    public static async Task<TaskFleet> StartAsync()
    {
        var fleet = new TaskFleet();
        File.WriteAllText(fleet.TokenFile, TokenText);
        await fleet.StartAggregatorAsync("127.0.0.1:0");
        fleet.Node = ChorusProcess.Start("chorus-node", "--aggregator", fleet._join, "--name", "n1", "--listen", "127.0.0.1:0",
            "--allow-run", "--token-file", fleet.TokenFile);
        await fleet.Node.WaitForStderrAsync(l => l.Contains("joined the aggregator"), TimeSpan.FromSeconds(30));
        return fleet;
    }

    public async Task RestartAggregatorAsync()
    {
        Aggregator.Signal(9);
        await Aggregator.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Aggregator.Dispose();
        Http.Dispose();
        await StartAggregatorAsync(_join);
        await Eventually.True(async () =>
        {
            using var nodes = JsonDocument.Parse(await Http.GetStringAsync("api/nodes"));
            return nodes.RootElement.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node").GetString() == "n1" && n.GetProperty("state").GetString() == "up");
        }, TimeSpan.FromSeconds(60));
    }

    private async Task StartAggregatorAsync(string listen)
    {
        var (aggregator, join, http) = await ChorusProcess.StartAggregatorOnAsync(listen, "--token-file", TokenFile, "--state-dir", StateDirectory);
        (Aggregator, _join) = (aggregator, join);
        Http = new HttpClient { BaseAddress = http };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenText);
    }

    /// <summary>Queues a task (a JSON body) and returns its id.</summary>
    public async Task<string> RunAsync(string json)
    {
        using var response = await Http.PostAsync("api/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> TaskAsync(string id) => JsonDocument.Parse(await Http.GetStringAsync($"api/tasks/{id}")).RootElement.Clone();

    /// <summary>The task, once <paramref name="holds"/> of it.</summary>
    public async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> holds, TimeSpan? timeout = null)
    {
        JsonElement task = default;
        await Eventually.True(async () => holds(task = await TaskAsync(id)), timeout ?? TimeSpan.FromSeconds(30));
        return task;
    }

    public Task<JsonElement> WaitForStateAsync(string id, string state, TimeSpan? timeout = null) =>
        WaitForAsync(id, t => t.GetProperty("state").GetString() == state, timeout);

    public async Task<string> LogsAsync(string id) => await Http.GetStringAsync($"api/tasks/{id}/logs?format=text");

    /// <summary>Processes on this machine whose command line is exactly these words (a task's leftovers).</summary>
    public static IReadOnlyList<int> ProcessesRunning(params string[] words)
    {
        var wanted = string.Join('\0', words) + '\0';
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")) == wanted) found.Add(pid);
            }
            catch (IOException)
            {
                // It ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        Node.Signal(15);
        await Node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Node.Dispose();
        Aggregator.Dispose();
        Http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
