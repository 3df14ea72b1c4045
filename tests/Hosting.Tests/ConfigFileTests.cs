using System.CommandLine;
using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void Keys_in_the_file_are_read()
    {
        File.WriteAllText(_path, "chorus.node { resend-after = 7s }\n");

        Assert.Equal(TimeSpan.FromSeconds(7), Load("--config", _path).GetTimeSpan("chorus.node.resend-after"));
    }

    [Fact]
    public void Flags_win_over_the_file_and_the_file_over_the_shipped_defaults()
    {
        File.WriteAllText(_path, "chorus.node { resend-after = 7s, link-timeout = 9s }\n");

        var config = ConfigFile.Compose("chorus.node.link-timeout = 11s", Parse("--config", _path), "node.conf");

        Assert.Equal(TimeSpan.FromSeconds(11), config.GetTimeSpan("chorus.node.link-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("chorus.node.resend-after"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("chorus.node.stop-grace")); // hocon/node.conf
    }

    [Fact]
    public void Without_the_flag_nothing_is_overridden() => Assert.True(Load().IsEmpty);

    [Fact]
    public void A_missing_file_is_a_usage_error_that_names_it()
    {
        var missing = _path + ".missing";

        var error = Assert.Throws<UsageException>(() => Load("--config", missing));

        Assert.Contains($"--config {missing}: cannot read it", error.Message);
    }

    [Fact]
    public void A_directory_is_a_usage_error_that_says_it_is_one()
    {
        var directory = Path.GetTempPath();

        var error = Assert.Throws<UsageException>(() => Load("--config", directory));

        // .NET says "Access to the path ... is denied", which sends a person to the permissions.
        Assert.StartsWith($"--config {directory}: is a directory, not a file.", error.Message);
    }

    [Fact]
    public void A_file_the_parser_rejects_is_a_usage_error()
    {
        // Akka's HOCON parser forgives most slips (an unclosed brace, a missing value); a substitution of
        // a key that does not exist is one it rejects.
        File.WriteAllText(_path, "chorus.node.resend-after = ${no-such-key}\n");

        var error = Assert.Throws<UsageException>(() => Load("--config", _path));

        Assert.Contains("is not valid HOCON", error.Message);
    }

    private static Akka.Configuration.Config Load(params string[] args) => ConfigFile.From(Parse(args));

    private static ParseResult Parse(params string[] args) => new RootCommand { ConfigFile.Option }.Parse(args);

    public void Dispose() => File.Delete(_path);
}
