using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("512KiB", 512L * 1024)]
    [InlineData("512 KiB", 512L * 1024)]
    [InlineData("10MB", 10_000_000L)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    [InlineData("1048576", 1048576L)]
    [InlineData("1k", 1024L)]
    public void Hocon_sizes_and_plain_bytes_are_read(string text, long bytes)
    {
        Assert.Equal(bytes, ByteSize.Parse(text, "--max-buffered-bytes"));
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("64 parsecs")]
    [InlineData("1.5MiB")]
    [InlineData("64mb")]
    [InlineData("99999999999999999999")]
    [InlineData("1MiB\" } akka { loglevel = DEBUG")]
    public void Text_that_is_not_a_size_names_the_flag_and_gives_an_example(string text)
    {
        var e = Assert.Throws<UsageException>(() => ByteSize.Parse(text, "--max-buffered-bytes"));

        Assert.Contains($"--max-buffered-bytes \"{text}\" is not a size", e.Message);
        Assert.Contains("--max-buffered-bytes 64MiB", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("-1MiB")]
    public void A_size_that_is_not_positive_is_refused_where_zero_means_nothing(string text)
    {
        var e = Assert.Throws<UsageException>(() => ByteSize.Parse(text, "--max-buffered-bytes"));

        Assert.Contains("must be more than zero", e.Message);
        Assert.Contains("--max-buffered-bytes 64MiB", e.Message);
    }

    [Fact]
    public void Zero_is_taken_where_it_means_something_and_the_error_for_a_negative_size_says_what()
    {
        Assert.Equal(0, ByteSize.Parse("0", "--spool-max-bytes", zeroMeans: "means no spool"));

        var e = Assert.Throws<UsageException>(() => ByteSize.Parse("-1", "--spool-max-bytes", zeroMeans: "means no spool"));
        Assert.Contains("must be zero or more", e.Message);
        Assert.Contains("--spool-max-bytes 0 means no spool", e.Message);
    }

    [Fact]
    public void An_empty_size_is_refused()
    {
        var e = Assert.Throws<UsageException>(() => ByteSize.Parse("", "--spool-max-bytes"));

        Assert.Contains("--spool-max-bytes is empty", e.Message);
    }
}
