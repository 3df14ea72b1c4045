using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>Node names follow one rule (1-64 of A-Z a-z 0-9 . _ -): both executables check theirs before starting anything.</summary>
public sealed class NodeNameRuleTests : IDisposable
{
    private const string Rule = "1 to 64 characters";
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-name-").FullName;

    [Fact]
    public async Task A_node_named_outside_the_rule_exits_2_and_states_the_rule()
    {
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", "127.0.0.1:4053", "--name", "a b", "--", "true");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("--name \"a b\"") && l.Contains(Rule));
    }

    [Fact]
    public async Task The_aggregators_own_node_named_outside_the_rule_exits_2_and_states_the_rule()
    {
        var procfile = Path.Combine(_directory, "Procfile");
        File.WriteAllText(procfile, "web: echo hello\n");
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
            "--procfile", procfile, "--name", "web@host");

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains("--name \"web@host\"") && l.Contains(Rule));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
