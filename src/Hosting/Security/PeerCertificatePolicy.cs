using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Chorus.Hosting.Security;

/// <summary>
/// Whether a peer's certificate is one Chorus trusts: it chains to an authority of --tls-ca (and only those:
/// the machine's trust store plays no part, so a certificate any public CA signed is still a stranger), it is
/// within its validity dates, and it may be used for both ends of a TLS connection. When
/// <paramref name="checkServerName"/> is set (a node, which dials only the aggregator), the certificate must
/// also name the host it was reached at, so another peer's certificate from the same CA cannot pose as the
/// aggregator. Revocation lists are not consulted: a private CA rarely publishes them; retire a leaked
/// certificate by replacing the CA.
/// </summary>
public sealed class PeerCertificatePolicy(TlsIdentity identity, bool checkServerName)
{
    /// <summary>Null when the certificate is trusted; otherwise why not, in words for a log line.</summary>
    public string? Refusal(X509Certificate2? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null)
            return "it presented no certificate (a peer without --tls-cert and --tls-key?)";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(identity.Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(TlsIdentity.ServerAuthentication);
        chain.ChainPolicy.ApplicationPolicy.Add(TlsIdentity.ClientAuthentication);
        // Intermediates the peer sent along are candidates for the chain, never roots of trust.
        if (presented is not null) chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        if (!chain.Build(certificate))
        {
            var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => $"{s.Status}: {s.StatusInformation.Trim()}");
            return $"its certificate \"{certificate.Subject}\" (issued by \"{certificate.Issuer}\") does not chain to --tls-ca \"{identity.AuthorityFile}\" " +
                   $"({string.Join("; ", statuses)})";
        }
        if (checkServerName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"its certificate \"{certificate.Subject}\" does not name the host it was reached at (its subjectAltName must list the host nodes give to --aggregator)";
        return null;
    }
}
