using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests;

public sealed class AggregatorSettingsTests
{
    [Fact]
    public void Where_to_listen_what_stdout_carries_and_how_long_shutdown_waits_are_read_once_here()
    {
        var settings = TestSettings.Aggregator("chorus.aggregator { listen = \"127.0.0.1:0\", format = json, shutdown.flush-timeout = 3s }");

        Assert.Equal(new HostPort("127.0.0.1", 0), settings.Listen);
        Assert.Equal(new HostPort("127.0.0.1", 8181), settings.Http);
        Assert.Equal(OutputFormat.Json, settings.Format);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ShutdownFlushTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.ShutdownHttpTimeout);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("JSON")]
    [InlineData("")]
    public void A_format_other_than_text_or_json_is_a_usage_error_naming_the_key_and_both(string format)
    {
        var e = Assert.Throws<UsageException>(() => TestSettings.Aggregator($"chorus.aggregator.format = \"{format}\""));

        Assert.Contains($"chorus.aggregator.format = \"{format}\"", e.Message);
        Assert.Contains("text or json", e.Message);
    }

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
    public void The_pending_output_bounds_are_read()
    {
        var settings = TestSettings.Aggregator();

        Assert.Equal(100_000, settings.MaxPendingRecords);
        Assert.Equal(32L * 1024 * 1024, settings.MaxPendingBytes);
    }

    [Theory]
    [InlineData("max-pending-records = 0")]
    [InlineData("max-pending-bytes = 0")]
    public void A_pending_output_bound_that_is_not_positive_names_its_key(string setting)
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
