using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("250ms", 250)]
    [InlineData("2 minutes", 120_000)]
    public void A_duration_is_written_as_in_HOCON(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse(text, "--timeout"));

    [Theory]
    [InlineData("30", "has no unit")]
    [InlineData("", "has no unit")]
    [InlineData("soon", "is not a duration")]
    [InlineData("0s", "more than zero")]
    [InlineData("30s\nx = 1s", "is not a duration")]
    public void Anything_else_says_how_to_write_one(string text, string expected)
    {
        var e = Assert.Throws<UsageException>(() => DurationText.Parse(text, "--timeout"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("--timeout 30s", e.Message);
    }
}
