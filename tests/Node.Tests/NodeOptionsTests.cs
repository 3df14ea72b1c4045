using Akka.Configuration;
using Chorus.Hosting;

namespace Chorus.Node.Tests;

public sealed class NodeOptionsTests
{
    [Fact]
    public void Buffer_and_spool_sizes_from_flags_override_the_shipped_defaults()
    {
        var settings = SettingsFrom("--max-buffered-bytes", "512KiB", "--spool-max-bytes", "2MiB");

        Assert.Equal(512L * 1024, settings.MaxBufferedBytes);
        Assert.Equal(2L * 1024 * 1024, settings.SpoolMaxBytes);
    }

    [Fact]
    public void Without_the_flags_the_shipped_defaults_hold()
    {
        var settings = SettingsFrom();

        Assert.Equal(16L * 1024 * 1024, settings.MaxBufferedBytes);
        Assert.Equal(1024L * 1024 * 1024, settings.SpoolMaxBytes);
    }

    [Fact]
    public void A_spool_cap_of_zero_turns_the_spool_off()
    {
        Assert.Equal(0, SettingsFrom("--spool-max-bytes", "0").SpoolMaxBytes);
    }

    [Theory]
    [InlineData("--max-buffered-bytes", "huge")]
    [InlineData("--max-buffered-bytes", "0")]
    [InlineData("--spool-max-bytes", "-1GiB")]
    public void A_bad_size_is_a_usage_error_naming_its_flag(string flag, string value)
    {
        var e = Assert.Throws<UsageException>(() => SettingsFrom(flag, value));

        Assert.Contains($"{flag} \"{value}\"", e.Message);
    }

    [Fact]
    public void Exit_on_sets_the_policy_and_defaults_to_all_exited()
    {
        Assert.Equal(ExitOn.FirstExit, SettingsFrom("--exit-on", "first-exit").ExitOn);
        Assert.Equal(ExitOn.AllExited, SettingsFrom().ExitOn);
    }

    [Fact]
    public void An_unknown_exit_policy_is_a_usage_error_listing_the_policies()
    {
        var e = Assert.Throws<UsageException>(() => SettingsFrom("--exit-on", "first"));

        Assert.Contains("--exit-on \"first\" is not a policy", e.Message);
        Assert.Contains("all-exited, first-exit, failure, never", e.Message);
    }

    private static NodeSettings SettingsFrom(params string[] flags)
    {
        var parsed = NodeOptions.CreateCommand().Parse(["--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", .. flags, "--", "true"]);
        Assert.Empty(parsed.Errors);
        var options = NodeOptions.From(parsed);
        return NodeSettings.From(ConfigurationFactory.ParseString(options.HoconOverrides).WithFallback(HoconFiles.Load("node.conf")));
    }
}
