using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>The shared token with the real executables: who may join, and what a refused node says.</summary>
public sealed class TokenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-token-").FullName;

    [Fact]
    public async Task A_node_with_the_wrong_token_is_refused_says_how_to_fix_it_and_exits_6()
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json", "--token-file", TokenFile("right", "right"));
        using var _ = aggregator;

        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "intruder", "--listen", "127.0.0.1:0",
            "--token-file", TokenFile("wrong", "wrong"), "--", "sh", "-c", "while true; do echo injected; sleep 0.05; done");

        Assert.Equal(6, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("refused") && l.Contains("--token-file"));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("injected") || l.Contains("intruder"));
    }

    [Fact]
    public async Task A_node_with_the_right_token_delivers_its_lines()
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--format", "json", "--token-file", TokenFile("agg", "same\n"));
        using var _ = aggregator;

        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "friend", "--listen", "127.0.0.1:0",
            "--token-file", TokenFile("node", "  same  "), "--", "echo", "hello from friend");

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await aggregator.WaitForStdoutAsync(l => l.Contains("hello from friend"));
    }

    [Fact]
    public async Task The_tokens_from_the_environment_do_not_reach_the_processes()
    {
        var procfile = Path.Combine(_directory, "Procfile");
        File.WriteAllText(procfile, "peek: echo \"token=[${CHORUS_TOKEN-unset}] watch=[${CHORUS_WATCH_TOKEN-unset}]\"\n");
        using var aggregator = ChorusProcess.StartFrom(_directory,
            new Dictionary<string, string?> { ["CHORUS_TOKEN"] = "the-secret", ["CHORUS_WATCH_TOKEN"] = "the-watch-secret" },
            "chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", "n", "--procfile", procfile);

        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stdout, l => l.EndsWith("token=[unset] watch=[unset]"));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("secret"));
    }

    [Fact]
    public async Task An_empty_token_file_stops_the_aggregator_with_a_usage_error()
    {
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--token-file", TokenFile("empty", "\n"));

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains("--token-file") && l.Contains("empty"));
    }

    [Fact]
    public async Task A_watch_token_without_a_token_stops_the_aggregator_with_a_usage_error()
    {
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
            "--watch-token-file", TokenFile("watch", "read-only"));

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains("watch token") && l.Contains("protects nothing") && l.Contains("--token-file"));
    }

    private string TokenFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
