using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class NodeNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("web-1")]
    [InlineData("db_2.eu-west")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Names_of_letters_digits_dot_underscore_and_dash_up_to_64_are_valid(string name)
    {
        Assert.True(NodeName.IsValid(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a@b")]
    [InlineData("a,b")]
    [InlineData("a:b")]
    [InlineData("!a")]
    [InlineData("a*")]
    [InlineData("a/b")]
    [InlineData("ünï")]
    [InlineData("\u001b[31m\nFAKE")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65
    public void Anything_else_is_not(string name)
    {
        Assert.False(NodeName.IsValid(name));
    }

    [Fact]
    public void A_bad_name_given_with_the_flag_is_a_usage_error_that_states_the_rule()
    {
        var error = Assert.Throws<UsageException>(() => NodeName.FromFlagOrHostName("a b", "--name"));

        Assert.Contains("--name \"a b\"", error.Message);
        Assert.Contains(NodeName.Rule, error.Message);
    }

    [Fact]
    public void A_usage_error_prints_a_bad_name_escaped()
    {
        var error = Assert.Throws<UsageException>(() => NodeName.FromFlagOrHostName("\u001b[31m\nFAKE", "--name"));

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(@"\u001B[31m\nFAKE", error.Message);
    }

    [Fact]
    public void A_good_name_given_with_the_flag_is_taken()
    {
        Assert.Equal("web-1", NodeName.FromFlagOrHostName("web-1", "--name"));
    }
}
