using Chorus.Hosting;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests;

public sealed class NodeSettingsTests
{
    [Fact]
    public void The_shipped_defaults_are_read()
    {
        var settings = TestNodeSettings.With();

        Assert.Equal(TimeSpan.FromSeconds(5), settings.StopGrace);
        Assert.Equal(32, settings.JoinAnswersRemembered);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.JoinBackoffMax);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.GroupCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.KillWait);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.PipePollInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.DependencyWait);
    }

    [Theory]
    [InlineData("heartbeat-interval = 0s", "chorus.node.heartbeat-interval: a duration must be longer than 0")]
    [InlineData("dependency-wait = 0s", "chorus.node.dependency-wait: a duration must be longer than 0")]
    [InlineData("stop-grace = -1s", "chorus.node.stop-grace:")]
    [InlineData("max-unacked-batches = 0", "chorus.node.max-unacked-batches: 0 is not a count of at least 1")]
    [InlineData("max-line-bytes = 2", "chorus.node.max-line-bytes: 2 bytes is outside 4 to")]
    [InlineData("batch-max-bytes = 3GiB", "chorus.node.batch-max-bytes:")]
    [InlineData("join-backoff-min = 5s, join-backoff-max = 1s", "chorus.node.join-backoff-max: 1 s is shorter than join-backoff-min")]
    [InlineData("link-timeout = soon", "chorus.node.link-timeout:")]
    public void A_value_out_of_range_is_a_usage_error_that_names_its_key(string value, string message)
    {
        var error = Assert.Throws<UsageException>(() => TestNodeSettings.With($"chorus.node {{ {value} }}"));

        Assert.StartsWith(message, error.Message);
        Assert.EndsWith("See hocon/node.conf for what it means and its default.", error.Message);
    }

    [Fact]
    public void Zero_is_a_valid_grace_and_a_valid_spool_cap()
    {
        var settings = TestNodeSettings.With("chorus.node { stop-grace = 0s, spool-max-bytes = 0 }");

        Assert.Equal((TimeSpan.Zero, 0L), (settings.StopGrace, settings.SpoolMaxBytes));
    }
}
