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
    [InlineData("http-limits.max-connections = 0", "chorus.aggregator.http-limits.max-connections: 0 is not a count of at least 1")]
    [InlineData("http-limits.max-connections = -5", "chorus.aggregator.http-limits.max-connections: -5 is not a count of at least 1")]
    [InlineData("http-limits.request-headers-timeout = 0s", "chorus.aggregator.http-limits.request-headers-timeout: a duration must be longer than 0")]
    [InlineData("http-limits.keep-alive-timeout = 0ms", "chorus.aggregator.http-limits.keep-alive-timeout: a duration must be longer than 0")]
    [InlineData("max-pending-records = 0", "chorus.aggregator.max-pending-records: 0 is not a count of at least 1")]
    [InlineData("max-pending-bytes = 0", "chorus.aggregator.max-pending-bytes: 0 bytes is outside 1 to")]
    [InlineData("drop-log-interval = 0s", "chorus.aggregator.drop-log-interval: a duration must be longer than 0")]
    [InlineData("node-timeout = soon", "chorus.aggregator.node-timeout:")]
    public void A_value_out_of_range_is_a_usage_error_that_names_its_key_instead_of_failing_later(string setting, string message)
    {
        var e = Assert.Throws<UsageException>(() => TestSettings.Aggregator($"chorus.aggregator.{setting}"));

        Assert.StartsWith(message, e.Message);
        Assert.EndsWith("See hocon/aggregator.conf for what it means and its default.", e.Message);
    }

    [Fact]
    public void The_pending_output_bounds_are_read()
    {
        var settings = TestSettings.Aggregator();

        Assert.Equal(100_000, settings.MaxPendingRecords);
        Assert.Equal(32L * 1024 * 1024, settings.MaxPendingBytes);
    }

    [Fact]
    public void The_drop_log_interval_is_read()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), TestSettings.Aggregator().DropLogInterval);
    }
}
