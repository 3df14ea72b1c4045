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

        Assert.Equal(8L * 1024 * 1024, settings.MaxBufferedBytes);
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

    [Fact]
    public void Allow_run_without_a_token_is_refused_saying_why_and_how_to_fix_it()
    {
        var e = Assert.Throws<UsageException>(() => OptionsFrom("--allow-run", "--", "true"));

        Assert.Contains("--allow-run lets whoever holds the token run commands on this host, and no token is set", e.Message);
        Assert.Contains("--token-file FILE", e.Message);
        Assert.Contains("--insecure", e.Message);
    }

    [Fact]
    public void Allow_run_with_a_token_or_insecure_runs_tasks_and_alone_is_a_pure_task_agent()
    {
        var token = Path.GetTempFileName();
        try
        {
            File.WriteAllText(token, "s3cret-token-for-the-test");
            var agent = OptionsFrom("--allow-run", "--token-file", token);
            Assert.True(agent.Tasks.AllowRun);
            Assert.Empty(agent.Processes);
        }
        finally
        {
            File.Delete(token);
        }
        var insecure = OptionsFrom("--allow-run", "--insecure", "--", "true");
        Assert.True(insecure.Tasks.AllowRun);
        Assert.Single(insecure.Processes);
        Assert.False(OptionsFrom("--", "true").Tasks.AllowRun);
    }

    [Fact]
    public void Nothing_to_run_without_allow_run_is_still_a_usage_error_that_mentions_it()
    {
        Assert.Contains("--allow-run alone", Assert.Throws<UsageException>(() => OptionsFrom()).Message);
    }

    [Fact]
    public void Labels_are_read_from_every_label_flag()
    {
        var labels = OptionsFrom("--label", "tier=backend", "--label", "zone=eu-1a", "--", "true").Tasks.Labels;

        Assert.Equal([("tier", "backend"), ("zone", "eu-1a")], labels.OrderBy(l => l.Key).Select(l => (l.Key, l.Value)));
        Assert.Empty(OptionsFrom("--", "true").Tasks.Labels);
    }

    [Theory]
    [InlineData("tier", "is not KEY=VALUE")]
    [InlineData("ti er=x", "is not KEY=VALUE")]
    [InlineData("=backend", "is not KEY=VALUE")]
    [InlineData("tier=", "is not a label value")]
    [InlineData("tier=a,b", "is not a label value")]
    // Values a selector cannot write (label:tier=a=b, label:q=x"y, label:u=a:b are refused by the selector's parser), so
    // no task could ever select the node by them (found by the tasks adversary).
    [InlineData("tier=a=b", "is not a label value")]
    [InlineData("q=x\"y", "is not a label value")]
    [InlineData("u=a:b", "is not a label value")]
    [InlineData("g=a*", "is not a label value")]
    public void A_bad_label_is_a_usage_error_with_an_example(string label, string what)
    {
        var e = Assert.Throws<UsageException>(() => OptionsFrom("--label", label, "--", "true"));

        Assert.Contains(what, e.Message);
        Assert.Contains("--label tier=backend", e.Message);
    }

    [Fact]
    public void A_label_given_twice_is_a_usage_error()
    {
        Assert.Contains("--label tier is given twice", Assert.Throws<UsageException>(() => OptionsFrom("--label", "tier=a", "--label", "tier=b", "--", "true")).Message);
    }

    private static NodeOptions OptionsFrom(params string[] flags)
    {
        var parsed = NodeOptions.CreateCommand().Parse(["--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", .. flags]);
        Assert.Empty(parsed.Errors);
        return NodeOptions.From(parsed);
    }

    private static NodeSettings SettingsFrom(params string[] flags)
    {
        var parsed = NodeOptions.CreateCommand().Parse(["--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", .. flags, "--", "true"]);
        Assert.Empty(parsed.Errors);
        var options = NodeOptions.From(parsed);
        return NodeSettings.From(ConfigurationFactory.ParseString(options.HoconOverrides).WithFallback(HoconFiles.Load("node.conf")));
    }
}
