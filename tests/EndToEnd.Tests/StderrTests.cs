using System.Text.RegularExpressions;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// What the real executables say on stderr: one voice, "chorus: error: ...", "chorus: warning: ..." or
/// "chorus: ..." for a notice, by README's rubric; stdout carries only the stream.
/// </summary>
public sealed partial class StderrTests : IDisposable
{
    private readonly string _config = Path.GetTempFileName();

    [Fact]
    public async Task Nodes_that_delivered_everything_exit_with_notices_only()
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync();
        using var _ = aggregator;
        // Several at once: Akka's complaint about a connection closing at exit came on some exits, not all.
        var nodes = Enumerable.Range(1, 4)
            .Select(i => ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", $"n{i}", "--listen", "127.0.0.1:0", "--", "seq", "1", "1000"))
            .ToList();
        try
        {
            foreach (var node in nodes)
            {
                Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                Assert.Empty(node.Stdout);
                // "joined the aggregator." or, on a loaded machine, "... after 2 attempts.": either is a notice.
                Assert.Contains(node.Stderr, l => l.StartsWith("chorus: joined the aggregator", StringComparison.Ordinal));
                // On a machine loaded past a few seconds per join, "still trying" is the truth, and a warning; the
                // promise here is about the end: nothing a node says on leaving is a warning or an error.
                Assert.All(node.Stderr.Where(l => !l.Contains("is not answering; still trying")), l => Assert.Matches(NoticeLine(), l));
            }
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }
    }

    [Fact]
    public async Task A_format_in_the_config_file_other_than_text_or_json_exits_2_naming_the_key_and_both()
    {
        File.WriteAllText(_config, "chorus.aggregator.format = xml");
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--config", _config);

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var error = Assert.Single(aggregator.Stderr);
        Assert.StartsWith("chorus: error: chorus.aggregator.format = \"xml\" is not a format.", error);
        Assert.Contains("text or json", error);
        Assert.Empty(aggregator.Stdout);
    }

    [Fact]
    public async Task A_flag_error_is_one_error_line_that_points_to_the_help()
    {
        using var node = ChorusProcess.Start("chorus-node", "--name", "n", "--", "true");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["chorus: error: Option '--aggregator' is required. Run chorus-node --help for the flags."], node.Stderr);
    }

    public void Dispose() => File.Delete(_config);

    // A notice has no level after "chorus: ".
    [GeneratedRegex("^chorus: (?!error: |warning: )")]
    private static partial Regex NoticeLine();
}
