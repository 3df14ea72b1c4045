using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests;

public sealed class AggregatorSettingsTests
{
    [Fact]
    public void The_shipped_http_limits_are_read()
    {
        var settings = TestSettings.Aggregator();

        Assert.Equal(10_000, settings.HttpMaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.HttpRequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.HttpKeepAliveTimeout);
    }

    [Theory]
    [InlineData("max-connections = 0", "http-limits.max-connections = 0")]
    [InlineData("max-connections = -5", "http-limits.max-connections = -5")]
    [InlineData("request-headers-timeout = 0s", "http-limits.request-headers-timeout = 0s")]
    [InlineData("keep-alive-timeout = 0ms", "http-limits.keep-alive-timeout = 0ms")]
    public void A_limit_that_is_not_positive_names_its_key_instead_of_failing_in_kestrel(string setting, string named)
    {
        var e = Assert.Throws<UsageException>(() => TestSettings.Aggregator($"chorus.aggregator.http-limits.{setting}"));

        Assert.Contains(named, e.Message);
        Assert.Contains("must be more than zero", e.Message);
    }

    [Fact]
    public void The_output_backlog_bounds_are_read()
    {
        var settings = TestSettings.Aggregator();

        Assert.Equal(100_000, settings.MaxPendingRecords);
        Assert.Equal(32L * 1024 * 1024, settings.MaxPendingBytes);
    }

    [Theory]
    [InlineData("max-pending-records = 0")]
    [InlineData("max-pending-bytes = 0")]
    public void An_output_backlog_bound_that_is_not_positive_names_its_key(string setting)
    {
        var e = Assert.Throws<UsageException>(() => TestSettings.Aggregator($"chorus.aggregator.{setting}"));

        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void The_drop_log_interval_is_read_and_must_be_positive()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), TestSettings.Aggregator().DropLogInterval);

        var e = Assert.Throws<UsageException>(() => TestSettings.Aggregator("chorus.aggregator.drop-log-interval = 0s"));
        Assert.Contains("drop-log-interval = 0s", e.Message);
    }
}
