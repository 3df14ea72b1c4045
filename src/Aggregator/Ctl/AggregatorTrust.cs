using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Chorus.Hosting.Security;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// ctl's trust in an HTTPS aggregator: with --tls-ca, its certificate must chain to that CA (the CA of the
/// aggregator's --tls-cert, which no system trust store knows) and name the host in --url; without, the system's.
/// </summary>
public static class AggregatorTrust
{
    public static HttpMessageHandler Handler(string? authorityFile)
    {
        var handler = new SocketsHttpHandler();
        if (authorityFile is null) return handler;
        var authorities = TlsIdentity.LoadAuthorities(authorityFile);
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(authorities, certificate, errors),
        };
        return handler;
    }

    private static bool Trusted(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(TlsIdentity.ServerAuthentication);
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
