using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace Chorus.Hosting.Security;

/// <summary>
/// TLS with mutual authentication for Akka.Remote. Akka's DotNetty transport takes the certificate and a
/// validation callback through <see cref="DotNettySslSetup"/>; without the callback it would trust whatever the
/// machine's trust store trusts, so peers are checked against --tls-ca by <see cref="PeerCertificatePolicy"/>.
/// Both ends authenticate: a node shows its certificate to the aggregator, the aggregator shows its own.
/// </summary>
public static class RemotingTls
{
    public static Config Hocon => ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true");

    /// <param name="identity">This process's certificate and the authorities peers must chain to.</param>
    /// <param name="checkServerName">Set on a node: the aggregator's certificate must name the host it was reached at.</param>
    public static Setup Setup(TlsIdentity identity, bool checkServerName)
    {
        var policy = new PeerCertificatePolicy(identity, checkServerName);
        return new DotNettySslSetup(identity.Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: (certificate, chain, peer, errors, _) =>
            {
                var refusal = policy.Refusal(certificate, chain, errors);
                if (refusal is not null)
                    TlsNotice.Write($"refused a TLS connection with {peer}: {refusal}. Both ends need certificates signed by the CA the other end trusts (--tls-ca).");
                return refusal is null;
            });
    }
}
