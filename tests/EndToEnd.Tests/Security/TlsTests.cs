using System.Diagnostics;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>
/// Mutual TLS on Akka.Remote with the real executables and certificates of a CA made for the test: who gets
/// through, and what each side says when a certificate is wrong.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("chorus-test");
    private readonly TestCertificateAuthority _strangerCa = new("stranger");

    [Fact]
    public async Task A_node_with_a_certificate_of_the_CA_delivers_its_lines_over_TLS()
    {
        var (aggregator, join, http) = await StartAggregatorAsync();
        using var _ = aggregator;
        var (cert, key) = _ca.Issue("node");

        using var node = ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", "friend", "--listen", "127.0.0.1:0",
            .. Tls(cert, key, _ca.CaFile), "--", "echo", "hello over tls"]);

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await aggregator.WaitForStdoutAsync(l => l.Contains("hello over tls"));
        Assert.Equal("https", http.Scheme);
    }

    [Fact]
    public async Task Certificates_made_with_the_READMEs_openssl_script_carry_a_line()
    {
        var directory = Path.Combine(Path.GetDirectoryName(_ca.CaFile)!, "made-by-script");
        var script = Path.Combine(Executables.RepositoryRoot, "examples", "make-test-certs.sh");
        using (var make = Process.Start(new ProcessStartInfo(script, [directory, "127.0.0.1", "web-1"]) { RedirectStandardError = true })!)
        {
            await make.WaitForExitAsync();
            Assert.True(make.ExitCode == 0, $"{script} failed (is openssl 3 installed?): {await make.StandardError.ReadToEndAsync()}");
        }
        string In(string file) => Path.Combine(directory, file);

        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync(["--format", "json",
            .. Tls(In("aggregator.pem"), In("aggregator-key.pem"), In("ca.pem"))]);
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", "web-1", "--listen", "127.0.0.1:0",
            .. Tls(In("web-1.pem"), In("web-1-key.pem"), In("ca.pem")), "--", "echo", "made with openssl"]);

        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await aggregator.WaitForStdoutAsync(l => l.Contains("made with openssl"));
    }

    [Fact]
    public async Task A_node_with_a_certificate_of_another_CA_cannot_join_and_both_sides_say_why()
    {
        var (aggregator, join, _) = await StartAggregatorAsync();
        using var _ = aggregator;
        var (cert, key) = _strangerCa.Issue("intruder");

        // The intruder trusts the right CA, so only the aggregator's check of the node's certificate stands in the way.
        using var node = StartChattyNode(join, "intruder", Tls(cert, key, _ca.CaFile));

        await aggregator.WaitForStderrAsync(l => l.Contains("refused a TLS connection") && l.Contains("CN=intruder") && l.Contains(_ca.CaFile));
        await node.WaitForStderrAsync(l => l.Contains("not answering") && l.Contains("refuses this node's certificate"), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("intruder"));
    }

    [Fact]
    public async Task A_node_refuses_an_aggregator_whose_certificate_is_not_of_its_CA()
    {
        var (aggregator, join, _) = await StartAggregatorAsync();
        using var _ = aggregator;
        var (cert, key) = _strangerCa.Issue("node");

        // The node's certificate and trust are both the stranger CA's: each side refuses the other's certificate.
        using var node = StartChattyNode(join, "lost", Tls(cert, key, _strangerCa.CaFile));

        await node.WaitForStderrAsync(l => l.Contains("refused a TLS connection") && l.Contains("CN=chorus-aggregator") && l.Contains(_strangerCa.CaFile));
        await node.WaitForStderrAsync(l => l.Contains("not answering"), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("lost"));
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_join_a_TLS_aggregator()
    {
        var (aggregator, join, _) = await StartAggregatorAsync();
        using var _ = aggregator;

        using var node = StartChattyNode(join, "plain");

        await aggregator.WaitForStderrAsync(l => l.Contains("refused a connection") && l.Contains("does not use TLS") && l.Contains("--tls-cert"));
        await node.WaitForStderrAsync(l => l.Contains("not answering"), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("plain"));
    }

    [Fact]
    public async Task A_node_refuses_an_aggregator_certificate_that_names_another_host()
    {
        var (aggregatorCert, aggregatorKey) = _ca.Issue("chorus-aggregator", dnsNames: ["elsewhere.example"]);
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync(["--format", "json", .. Tls(aggregatorCert, aggregatorKey, _ca.CaFile)]);
        using var _ = aggregator;
        var (cert, key) = _ca.Issue("node");

        // Same CA on both sides: only the name check tells this aggregator from any other holder of a CA certificate.
        using var node = StartChattyNode(join, "careful", Tls(cert, key, _ca.CaFile));

        await node.WaitForStderrAsync(l => l.Contains("refused a TLS connection") && l.Contains("does not name the host"));
        Assert.DoesNotContain(aggregator.Stdout, l => l.Contains("careful"));
    }

    [Fact]
    public async Task A_certificate_without_its_key_is_a_usage_error()
    {
        var (cert, _) = _ca.Issue("chorus-aggregator");

        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--tls-cert", cert, "--tls-ca", _ca.CaFile);

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains("--tls-key is missing"));
    }

    [Fact]
    public async Task A_certificate_that_its_own_CA_file_would_refuse_gets_a_warning()
    {
        var (cert, key) = _strangerCa.Issue("chorus-aggregator");

        var (aggregator, _, _) = await ChorusProcess.StartAggregatorAsync(Tls(cert, key, _ca.CaFile));
        using var _ = aggregator;

        Assert.Contains(aggregator.Stderr, l => l.Contains("warning: a peer with the same --tls-ca would refuse") && l.Contains("CN=stranger"));
    }

    [Fact]
    public async Task A_token_on_a_network_listener_without_TLS_gets_a_clear_text_warning_and_with_TLS_none()
    {
        var token = Path.Combine(Path.GetDirectoryName(_ca.CaFile)!, "token");
        File.WriteAllText(token, "secret");
        var (cert, key) = _ca.Issue("chorus-aggregator");

        var (plain, _, _) = await ChorusProcess.StartAggregatorOnAsync("0.0.0.0:0", "--token-file", token);
        using var _ = plain;
        var (encrypted, _, _) = await ChorusProcess.StartAggregatorOnAsync("0.0.0.0:0", ["--token-file", token, .. Tls(cert, key, _ca.CaFile)]);
        using var __ = encrypted;

        Assert.Contains(plain.Stderr, l => l.Contains("warning: --listen 0.0.0.0:0") && l.Contains("clear text") && l.Contains("--tls-cert"));
        Assert.DoesNotContain(encrypted.Stderr, l => l.Contains("warning"));
    }

    private async Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorAsync()
    {
        var (cert, key) = _ca.Issue("chorus-aggregator");
        return await ChorusProcess.StartAggregatorAsync(["--format", "json", .. Tls(cert, key, _ca.CaFile)]);
    }

    private static string[] Tls(string cert, string key, string ca) => ["--tls-cert", cert, "--tls-key", key, "--tls-ca", ca];

    /// <summary>A node writing its own name every 50 ms until stopped: any of it on the aggregator's stdout got through.</summary>
    private static ChorusProcess StartChattyNode(string join, string name, params string[] tls) =>
        ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", name, "--listen", "127.0.0.1:0", .. tls,
            "--", "sh", "-c", $"while true; do echo {name}; sleep 0.05; done"]);

    public void Dispose()
    {
        _ca.Dispose();
        _strangerCa.Dispose();
    }
}
