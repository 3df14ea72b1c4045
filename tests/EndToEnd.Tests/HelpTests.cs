using System.Text.RegularExpressions;
using Akka.Configuration;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>--help names the key each flag overrides instead of repeating its default: each such key must exist.</summary>
public sealed partial class HelpTests
{
    [Theory]
    [InlineData("chorus-node", "node")]
    [InlineData("chorus-aggregator", "aggregator")]
    public async Task Every_default_named_in_the_help_is_a_key_of_the_shipped_file(string executable, string section)
    {
        using var process = ChorusProcess.Start(executable, "--help");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var named = DefaultKey().Matches(string.Join(" ", process.Stdout)).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, m =>
        {
            Assert.Equal($"{section}.conf", m.Groups["file"].Value);
            var shipped = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", m.Groups["file"].Value)));
            Assert.True(shipped.HasPath($"chorus.{section}.{m.Groups["key"].Value}"), $"{m.Value}: no such key in hocon/{section}.conf");
        });
    }

    [GeneratedRegex(@"Default: (?<key>[a-z][a-z.-]*) in hocon/(?<file>[a-z]+\.conf)")]
    private static partial Regex DefaultKey();
}
