using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Chorus.Hosting.Security;

/// <summary>
/// This process's TLS certificate with its private key (--tls-cert, --tls-key), and the certificate
/// authorities a peer's certificate must chain to (--tls-ca). Loaded once at start, where every mistake
/// becomes a <see cref="UsageException"/>: a bad file found then is a clear message, found at the first
/// handshake it would be a peer that silently never connects.
/// </summary>
public sealed class TlsIdentity
{
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "serverAuth");
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "clientAuth");

    private TlsIdentity(X509Certificate2 certificate, X509Certificate2Collection authorities, string authorityFile)
    {
        Certificate = certificate;
        Authorities = authorities;
        AuthorityFile = authorityFile;
    }

    /// <summary>This process's certificate, with its private key: shown to peers and to HTTPS clients.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The roots of trust for peers: a peer's certificate must chain to one of these.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>The --tls-ca file, named in messages about refused peers.</summary>
    public string AuthorityFile { get; }

    /// <summary>
    /// The identity from the three flags, or none when none is given. All three go together: a certificate
    /// without authorities to check peers against would be TLS that authenticates no one.
    /// </summary>
    public static TlsIdentity? Load(string? certificateFile, string? keyFile, string? authorityFile)
    {
        if (certificateFile is null && keyFile is null && authorityFile is null) return null;
        var missing = new[] { ("--tls-cert", certificateFile), ("--tls-key", keyFile), ("--tls-ca", authorityFile) }
            .Where(flag => flag.Item2 is null).Select(flag => flag.Item1).ToList();
        if (missing.Count > 0)
            throw new UsageException(
                $"TLS needs all three of --tls-cert FILE (this process's certificate), --tls-key FILE (its private key) and " +
                $"--tls-ca FILE (the CA that peers' certificates must be signed by); {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing. " +
                "README, Security, shows how to make them with openssl.");

        var certificate = LoadCertificate(certificateFile!, keyFile!);
        var identity = new TlsIdentity(certificate, LoadAuthorities(authorityFile!), authorityFile!);
        // Not an error: the two ends may trust different CAs. But usually it is the wrong --tls-ca file.
        if (new PeerCertificatePolicy(identity, checkServerName: false).Refusal(certificate, null, SslPolicyErrors.None) is { } refusal)
            Notice.Warning($"a peer with the same --tls-ca would refuse this process's --tls-cert \"{certificateFile}\": {refusal}.");
        return identity;
    }

    private static X509Certificate2 LoadCertificate(string certificateFile, string keyFile)
    {
        var certificatePem = ReadPem(certificateFile, "--tls-cert", "the certificate");
        var keyPem = ReadPem(keyFile, "--tls-key", "the private key");
        try
        {
            // Read alone first, so that a bad certificate file is not blamed on the key.
            using var withoutKey = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"--tls-cert \"{certificateFile}\" holds no PEM certificate ({e.Message}). Give the \"-----BEGIN CERTIFICATE-----\" file.");
        }
        if (keyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            throw new UsageException($"--tls-key \"{keyFile}\" is encrypted. Give an unencrypted key (openssl pkey -in {keyFile} -out KEY), readable only by the user that runs Chorus.");
        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new UsageException($"--tls-key \"{keyFile}\" holds no PEM private key. Give the \"-----BEGIN PRIVATE KEY-----\" file the certificate was made with.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        // A malformed key is a CryptographicException; a well-formed key of another certificate an ArgumentException.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new UsageException($"--tls-key \"{keyFile}\" is not the private key of --tls-cert \"{certificateFile}\" ({e.Message}). " +
                                     "Give the key the certificate was made for, in PEM.");
        }
        CheckUsable(certificate, certificateFile);
        return certificate;
    }

    private static void CheckUsable(X509Certificate2 certificate, string certificateFile)
    {
        var now = DateTime.Now;
        if (certificate.NotAfter < now)
            throw new UsageException($"--tls-cert \"{certificateFile}\" expired on {certificate.NotAfter:yyyy-MM-dd HH:mm}. Peers refuse it: make a new one.");
        if (certificate.NotBefore > now)
            throw new UsageException($"--tls-cert \"{certificateFile}\" is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm}. Check this machine's clock, or make a new certificate.");
        // Every Chorus peer both accepts connections and makes them (nodes join, the aggregator may dial a node
        // back), so one certificate serves both ends of a TLS handshake.
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is null) return; // no restriction: good for any use
        var lacking = new[] { ServerAuthentication, ClientAuthentication }
            .Where(needed => !usages.Cast<Oid>().Any(usage => usage.Value == needed.Value)).Select(oid => oid.FriendlyName).ToList();
        if (lacking.Count > 0)
            throw new UsageException($"--tls-cert \"{certificateFile}\" may not be used for {string.Join(" and ", lacking)}. Chorus peers both accept and " +
                                     "make connections, so the certificate needs extendedKeyUsage = serverAuth, clientAuth (README, Security, shows the openssl line).");
    }

    /// <summary>The CA certificates of a --tls-ca file (also ctl's, to trust an HTTPS aggregator).</summary>
    public static X509Certificate2Collection LoadAuthorities(string authorityFile)
    {
        var pem = ReadPem(authorityFile, "--tls-ca", "the CA certificate");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new UsageException($"--tls-ca \"{authorityFile}\" is not a PEM certificate bundle ({e.Message}). Give the CA's \"-----BEGIN CERTIFICATE-----\" file.");
        }
        if (authorities.Count == 0)
            throw new UsageException($"--tls-ca \"{authorityFile}\" holds no certificate. Give the CA's \"-----BEGIN CERTIFICATE-----\" file.");
        return authorities;
    }

    private static string ReadPem(string file, string flag, string what)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{flag} \"{file}\" cannot be read ({e.Message}). Give a readable PEM file holding {what}.");
        }
    }
}
