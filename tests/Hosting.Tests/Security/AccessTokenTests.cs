using Chorus.Hosting;
using Chorus.Hosting.Security;

namespace Chorus.Hosting.Tests.Security;

// Hosting has no test project of its own; chorus-node is its first user, so its tests live here.
public sealed class AccessTokenTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void A_token_file_is_read_and_trimmed()
    {
        File.WriteAllText(_file, "  s3cret\n");

        var token = AccessToken.Load(_file, "ignored: the file wins");

        Assert.Equal("s3cret", token!.Value);
        Assert.True(token.Matches("s3cret"));
        Assert.False(token.Matches("s3cre"));
        Assert.False(token.Matches(null));
    }

    [Fact]
    public void Without_a_file_the_environment_variable_is_used_and_without_either_there_is_no_token()
    {
        Assert.Equal("from-env", AccessToken.Load(null, " from-env ")!.Value);
        Assert.Null(AccessToken.Load(null, null));
    }

    [Fact]
    public void An_empty_token_is_a_usage_error_that_names_its_source()
    {
        File.WriteAllText(_file, " \n");

        Assert.Contains("--token-file", Assert.Throws<UsageException>(() => AccessToken.Load(_file, null)).Message);
        Assert.Contains("CHORUS_TOKEN", Assert.Throws<UsageException>(() => AccessToken.Load(null, "")).Message);
    }

    [Fact]
    public void An_unreadable_token_file_is_a_usage_error_that_says_what_to_do()
    {
        var error = Assert.Throws<UsageException>(() => AccessToken.Load("/nonexistent/chorus-token", null));

        Assert.Contains("cannot be read", error.Message);
    }

    public void Dispose() => File.Delete(_file);
}
