using System.Net.Http.Headers;
using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>
/// --allow-run from the real executables: refused without a token (anyone who reaches the aggregator could run commands
/// on the host), and alone a pure task agent that joins with its --labels and stays until stopped.
/// </summary>
public sealed class AllowRunTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-allow-run-").FullName;

    [Fact]
    public async Task A_node_with_allow_run_and_no_token_refuses_to_start_saying_why()
    {
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", "--allow-run");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("--allow-run lets whoever holds the token run commands on this host") &&
                                          l.Contains("--token-file") && l.Contains("--insecure"));
    }

    [Fact]
    public async Task The_aggregators_embedded_node_with_allow_run_needs_its_token_too_and_a_procfile_to_be_embedded()
    {
        var procfile = Path.Combine(_directory, "Procfile");
        File.WriteAllText(procfile, "web: sleep 60\n");
        using var embedded = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--procfile", procfile, "--allow-run");
        using var none = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--label", "tier=back");

        Assert.Equal(2, await embedded.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(embedded.Stderr, l => l.Contains("--allow-run lets whoever holds the token"));
        Assert.Equal(2, await none.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(none.Stderr, l => l.Contains("--allow-run and --label are the embedded node's, and there is none"));
    }

    [Fact]
    public async Task A_pure_task_agent_joins_with_its_labels_and_stays_until_stopped()
    {
        var token = Path.Combine(_directory, "token");
        File.WriteAllText(token, "a-token-for-the-agent-test");
        var (aggregator, join, http) = await ChorusProcess.StartAggregatorAsync("--token-file", token);
        using var _ = aggregator;
        using var agent = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "agent", "--listen", "127.0.0.1:0",
            "--allow-run", "--token-file", token, "--label", "tier=back", "--label", "zone=a");
        await agent.WaitForStderrAsync(l => l.Contains("joined the aggregator"));

        using var client = new HttpClient { BaseAddress = http };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-token-for-the-agent-test");
        JsonElement node = default;
        // The node has joined, but the aggregator learns of it on two paths: its state through the merge to the status
        // board, its labels through the control plane. Either may show in /api/nodes first.
        await Eventually.True(async () =>
        {
            using var nodes = JsonDocument.Parse(await client.GetStringAsync("api/nodes"));
            var agentNodes = nodes.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("node").GetString() == "agent").ToList();
            if (agentNodes.Count != 1) return false;
            node = agentNodes[0].Clone();
            return node.GetProperty("state").GetString() == "up" && node.GetProperty("labels").EnumerateObject().Any();
        }, TimeSpan.FromSeconds(20));

        Assert.Equal("""{"tier":"back","zone":"a"}""", node.GetProperty("labels").GetRawText());
        Assert.Equal(0, node.GetProperty("processes").GetArrayLength());
        Assert.False(agent.HasExited); // nothing to run is no reason to end
        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
