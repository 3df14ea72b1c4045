using Akka.Configuration;

namespace Chorus.Hosting.Tests;

public sealed class SettingsSectionTests
{
    private static SettingsSection Section(string hocon) =>
        new(ConfigurationFactory.ParseString(hocon), "chorus.test", "test.conf");

    [Fact]
    public void Values_within_their_rules_are_read()
    {
        var section = Section("chorus.test { wait = 250ms, none = 0s, count = 3, size = 2KiB, path = \"/tmp/x\" }");

        Assert.Equal(TimeSpan.FromMilliseconds(250), section.Duration("wait"));
        Assert.Equal(TimeSpan.Zero, section.Duration("none", zeroAllowed: true));
        Assert.Equal(3, section.Count("count"));
        Assert.Equal(2048L, section.Bytes("size", smallest: 1, largest: long.MaxValue));
        Assert.Equal("/tmp/x", section.Text("path"));
    }

    [Theory]
    [InlineData("wait", "0s", "chorus.test.wait: a duration must be longer than 0")]
    [InlineData("wait", "soon", "chorus.test.wait:")]
    [InlineData("count", "0", "chorus.test.count: 0 is not a count of at least 1")]
    [InlineData("count", "3000000000", "chorus.test.count: 3000000000 is more than 2147483647")]
    [InlineData("size", "0", "chorus.test.size: 0 bytes is outside 1 to")]
    // Akka multiplies a size by its unit without checking: 2^24 TiB + 1 TiB wraps to 1 TiB, a huge one to a negative.
    [InlineData("size", "16777217TiB", "chorus.test.size: 16777217TiB is more bytes than")]
    [InlineData("size", "99999999999999GiB", "chorus.test.size: 99999999999999GiB is more bytes than")]
    public void A_value_it_cannot_use_is_a_usage_error_that_names_the_key_and_the_file_of_its_default(string key, string value, string message)
    {
        var section = Section($"chorus.test {{ {key} = {value} }}");

        var e = Assert.Throws<UsageException>(() => Read(section, key));

        Assert.StartsWith(message, e.Message);
        Assert.EndsWith("See hocon/test.conf for what it means and its default.", e.Message);
    }

    [Fact]
    public void A_missing_section_names_the_file_that_should_hold_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Section("chorus.other { x = 1 }"));

        Assert.Contains("chorus.test", e.Message);
        Assert.Contains("hocon/test.conf", e.Message);
    }

    // Each key of the test section stands for one kind of value.
    private static object Read(SettingsSection section, string key) => key switch
    {
        "wait" => section.Duration(key),
        "count" => section.Count(key),
        _ => section.Bytes(key, smallest: 1, largest: long.MaxValue),
    };
}
