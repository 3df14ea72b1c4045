using Chorus.Hosting;
using Chorus.Hosting.Security;

namespace Chorus.Hosting.Tests.Security;

public sealed class ListenPolicyTests
{
    private static readonly SecurityOptions NoToken = new(null, Insecure: false);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void Loopback_addresses_and_names_that_resolve_only_to_loopback_count_as_loopback(string host)
    {
        Assert.True(ListenPolicy.IsLoopback(host));
        ListenPolicy.Check(new HostPort(host, 0), "--listen", NoToken); // no exception
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.1")]
    public void Other_addresses_face_a_network(string host)
    {
        Assert.False(ListenPolicy.IsLoopback(host));
    }

    [Fact]
    public void A_non_loopback_listener_without_a_token_refuses_and_says_how_to_fix_it()
    {
        var error = Assert.Throws<UsageException>(() => ListenPolicy.Check(new HostPort("0.0.0.0", 8181), "--http", NoToken));

        Assert.Contains("--http 0.0.0.0:8181", error.Message);
        Assert.Contains("--token-file", error.Message);
        Assert.Contains("CHORUS_TOKEN", error.Message);
        Assert.Contains("--insecure", error.Message);
    }

    [Fact]
    public void A_token_or_insecure_allows_a_non_loopback_listener()
    {
        ListenPolicy.Check(new HostPort("0.0.0.0", 0), "--listen", new SecurityOptions(AccessToken.From("t", "test"), false));
        ListenPolicy.Check(new HostPort("0.0.0.0", 0), "--listen", new SecurityOptions(null, Insecure: true));
    }
}
