using System.Text.RegularExpressions;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>Which build runs, from the real executables: --version, and a node of a wire version the aggregator cannot read.</summary>
public sealed partial class VersionTests
{
    [Theory]
    [InlineData("chorus-node")]
    [InlineData("chorus-aggregator")]
    public async Task Version_prints_the_version_and_the_commit(string executable)
    {
        using var process = ChorusProcess.Start(executable, "--version");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var printed = Assert.Single(process.Stdout);
        Assert.Matches(VersionAndCommit(), printed);
        Assert.Equal(typeof(VersionTests).Assembly.GetName().Version!.ToString(3), printed.Split('+')[0]);
    }

    [Fact]
    public async Task A_node_of_a_wire_version_the_aggregator_cannot_read_is_refused_naming_both_versions_and_exits_6()
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync();
        using var _ = aggregator;

        using var node = ChorusProcess.StartFrom(Environment.CurrentDirectory, new Dictionary<string, string?> { ["CHORUS_TEST_WIRE_VERSION"] = "999" },
            "chorus-node", "--aggregator", join, "--name", "later", "--listen", "127.0.0.1:0", "--", "sh", "-c", "while true; do echo unread; sleep 0.05; done");

        Assert.Equal(6, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("refused") && l.Contains("wire version 999 (Chorus ") && l.Contains("this aggregator reads only wire version "));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("unread") || l.Contains("later"));
    }

    // 0.1.0+1a2b3c4, or 0.1.0+unknown when built without git.
    [GeneratedRegex(@"^\d+\.\d+\.\d+\+([0-9a-f]{7,}|unknown)$")]
    private static partial Regex VersionAndCommit();
}
