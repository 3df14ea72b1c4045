using System.Net.Security;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Tests.Support;

namespace Chorus.Hosting.Tests.Security;

/// <summary>The --tls-* flags: what loads, and the message for each way they go wrong.</summary>
public sealed class TlsIdentityTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("chorus-test");
    private readonly TestCertificateAuthority _otherCa = new("other");

    [Fact]
    public void A_certificate_its_key_and_the_CA_load_together()
    {
        var (cert, key) = _ca.Issue("web-1");

        var identity = TlsIdentity.Load(cert, key, _ca.CaFile)!;

        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal("CN=web-1", identity.Certificate.Subject);
        Assert.Equal(_ca.Certificate.Thumbprint, Assert.Single(identity.Authorities).Thumbprint);
    }

    [Fact]
    public void No_flags_means_no_TLS() => Assert.Null(TlsIdentity.Load(null, null, null));

    [Fact]
    public void A_certificate_without_its_key_or_CA_names_what_is_missing()
    {
        var (cert, _) = _ca.Issue("web-1");

        var error = Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, null, null)).Message;

        Assert.Contains("--tls-key and --tls-ca are missing", error);
        Assert.Contains("openssl", error);
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_is_refused()
    {
        var (cert, _) = _ca.Issue("web-1");
        var (_, otherKey) = _ca.Issue("web-2");

        var error = Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, otherKey, _ca.CaFile)).Message;

        Assert.Contains($"--tls-key \"{otherKey}\" is not the private key of --tls-cert \"{cert}\"", error);
    }

    [Fact]
    public void Files_that_are_missing_or_hold_the_wrong_thing_are_named()
    {
        var (cert, key) = _ca.Issue("web-1");

        Assert.Contains("--tls-cert \"/nonexistent/cert.pem\" cannot be read",
            Assert.Throws<UsageException>(() => TlsIdentity.Load("/nonexistent/cert.pem", key, _ca.CaFile)).Message);
        Assert.Contains("holds no PEM certificate", Assert.Throws<UsageException>(() => TlsIdentity.Load(key, key, _ca.CaFile)).Message);
        Assert.Contains("holds no PEM private key", Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, cert, _ca.CaFile)).Message);
        Assert.Contains("--tls-ca", Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, key, key)).Message);
    }

    [Fact]
    public void A_certificate_only_for_servers_is_refused_because_peers_also_dial()
    {
        var (cert, key) = _ca.Issue("server-only", usages: [TestCertificateAuthority.ServerAuth]);

        var error = Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, key, _ca.CaFile)).Message;

        Assert.Contains("may not be used for clientAuth", error);
        Assert.Contains("extendedKeyUsage = serverAuth, clientAuth", error);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var (cert, key) = _ca.Issue("old", notAfter: DateTimeOffset.UtcNow.AddHours(-1));

        Assert.Contains("expired", Assert.Throws<UsageException>(() => TlsIdentity.Load(cert, key, _ca.CaFile)).Message);
    }

    [Fact]
    public void A_peer_is_trusted_only_when_its_certificate_chains_to_the_CA_whatever_the_system_store_says()
    {
        var (cert, key) = _ca.Issue("aggregator");
        var identity = TlsIdentity.Load(cert, key, _ca.CaFile)!;
        var policy = new PeerCertificatePolicy(identity, checkServerName: false);
        var (friendCert, friendKey) = _ca.Issue("friend");
        var (strangerCert, strangerKey) = _otherCa.Issue("stranger");

        // The errors SslStream reports come from the system trust store, which knows neither CA: they do not count.
        Assert.Null(policy.Refusal(TlsIdentity.Load(friendCert, friendKey, _ca.CaFile)!.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        var refusal = policy.Refusal(TlsIdentity.Load(strangerCert, strangerKey, _otherCa.CaFile)!.Certificate, null, SslPolicyErrors.None);
        Assert.Contains("\"CN=stranger\"", refusal);
        Assert.Contains($"does not chain to --tls-ca \"{_ca.CaFile}\"", refusal);
        Assert.Contains("presented no certificate", policy.Refusal(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void A_node_refuses_an_aggregator_certificate_that_does_not_name_the_host_it_dialled()
    {
        var (cert, key) = _ca.Issue("node");
        var node = TlsIdentity.Load(cert, key, _ca.CaFile)!;
        var aggregator = node.Certificate; // any certificate of the CA: only the name check differs

        Assert.Contains("does not name the host", new PeerCertificatePolicy(node, checkServerName: true)
            .Refusal(aggregator, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Null(new PeerCertificatePolicy(node, checkServerName: false).Refusal(aggregator, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
