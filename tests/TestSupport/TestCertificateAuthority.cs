using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Chorus.Tests.Support;

/// <summary>
/// A throwaway certificate authority made at test time (nothing secret is ever committed), with the PEM files
/// the --tls-* flags take, in a temporary directory deleted on dispose. Certificates are shaped like the ones
/// README's openssl commands make: CA:TRUE for the authority, serverAuth + clientAuth and subjectAltNames for peers.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-tls-").FullName;

    public TestCertificateAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Write($"{name}-ca.pem", Certificate.ExportCertificatePem());
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The authority's certificate, for --tls-ca.</summary>
    public string CaFile { get; }

    /// <summary>
    /// A peer certificate signed by this authority, for 127.0.0.1 and localhost unless <paramref name="dnsNames"/> names
    /// other hosts, with both key usages a Chorus peer needs unless <paramref name="usages"/> says otherwise; returns
    /// the --tls-cert and --tls-key files.
    /// </summary>
    public (string Cert, string Key) Issue(string name, Oid[]? usages = null, DateTimeOffset? notAfter = null, string[]? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var keyUsages = new OidCollection();
        foreach (var usage in usages ?? [ServerAuth, ClientAuth]) keyUsages.Add(usage);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(keyUsages, false));
        var names = new SubjectAlternativeNameBuilder();
        if (dnsNames is null) names.AddIpAddress(IPAddress.Loopback);
        foreach (var dnsName in dnsNames ?? ["localhost"]) names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number
        using var certificate = request.Create(Certificate, DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(7), serial);
        return (Write($"{name}.pem", certificate.ExportCertificatePem()), Write($"{name}-key.pem", key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>For clients of the aggregator's HTTPS port: trusts exactly the certificates this authority signed.</summary>
    public RemoteCertificateValidationCallback Trust() => (_, certificate, _, _) =>
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };

    private string Write(string file, string pem)
    {
        var path = Path.Combine(_directory, file);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
