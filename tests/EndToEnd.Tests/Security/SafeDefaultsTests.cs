using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>
/// A listener that faces the network needs a token, or --insecure to say the risk is accepted. A spool
/// directory that is not the node's own is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SafeDefaultsTests
{
    [Theory]
    [InlineData("--http")]
    [InlineData("--listen")]
    public async Task The_aggregator_refuses_to_listen_beyond_loopback_without_a_token(string flag)
    {
        string[] args = flag == "--http"
            ? ["--listen", "127.0.0.1:0", "--http", "0.0.0.0:0"]
            : ["--listen", "0.0.0.0:0", "--http", "127.0.0.1:0"];
        using var aggregator = ChorusProcess.Start("chorus-aggregator", args);

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains($"{flag} 0.0.0.0:0") && l.Contains("--token-file") && l.Contains("--insecure"));
    }

    [Fact]
    public async Task Insecure_starts_anyway_with_a_warning()
    {
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "0.0.0.0:0", "--insecure");

        await aggregator.WaitForStderrAsync(l => l.StartsWith("chorus: watch at ", StringComparison.Ordinal));
        Assert.Contains(aggregator.Stderr, l => l.Contains("warning") && l.Contains("--insecure"));
    }

    [Fact]
    public async Task A_node_refuses_to_listen_beyond_loopback_without_a_token()
    {
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", "127.0.0.1:4053", "--listen", "0.0.0.0:0", "--", "true");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("--listen 0.0.0.0:0") && l.Contains("--insecure"));
    }

    [SmallDiskFact] // root, to hand the directory to another user
    public async Task A_node_refuses_a_spool_directory_that_another_user_owns()
    {
        var spool = Directory.CreateTempSubdirectory("chorus-foreign-spool-").FullName;
        try
        {
            File.SetUnixFileMode(spool, (UnixFileMode)0b111_111_111);
            using (var chown = System.Diagnostics.Process.Start("chown", ["65534", spool])!) await chown.WaitForExitAsync();
            using var node = ChorusProcess.Start("chorus-node", "--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", "--spool", spool, "--", "true");

            Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(node.Stderr, l => l.Contains(spool) && l.Contains("belongs to another user") && l.Contains("--spool DIR"));
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }
}
