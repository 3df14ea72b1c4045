using Chorus.Aggregator.Http;

namespace Chorus.Aggregator.Tests.Http;

public sealed class HostHeaderGuardTests
{
    [Theory]
    [InlineData("localhost", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("[::1]", "127.0.0.1", true)]
    [InlineData("10.0.0.1", "10.0.0.1", true)]
    [InlineData("agg.lan", "agg.lan", true)]
    [InlineData("10.0.0.5", "0.0.0.0", true)] // bound to every address: each is ours, and an address cannot be rebound
    [InlineData("10.0.0.2", "10.0.0.1", false)]
    [InlineData("evil.example", "127.0.0.1", false)]
    [InlineData("evil.example", "0.0.0.0", false)]
    [InlineData("localhost.evil.example", "127.0.0.1", false)]
    [InlineData("", "127.0.0.1", false)]
    public void Only_loopback_localhost_and_the_bound_host_are_answered_without_a_token(string host, string bound, bool allowed) =>
        Assert.Equal(allowed, HostHeaderGuard.IsAllowed(host, bound));
}
