using System.CommandLine;

namespace Chorus.Hosting.Security;

/// <summary>The flags both executables share for authentication, encryption and opening listeners to the network.</summary>
public sealed record SecurityOptions(AccessToken? Token, bool Insecure, TlsIdentity? Tls = null)
{
    public static readonly Option<string?> TokenFileOption = new("--token-file")
    {
        Description = $"File holding the shared token (surrounding whitespace is ignored). Default: the {AccessToken.EnvironmentVariable} environment variable; none when unset.",
    };

    public static readonly Option<bool> InsecureOption = new("--insecure")
    {
        Description = "Allow listening on a non-loopback address without a token. Anyone who can reach the port can then read and inject lines.",
    };

    public static readonly Option<string?> TlsCertOption = new("--tls-cert")
    {
        Description = "PEM certificate of this process, for TLS on Akka.Remote (and HTTPS on the aggregator). Needs --tls-key and --tls-ca.",
    };

    public static readonly Option<string?> TlsKeyOption = new("--tls-key")
    {
        Description = "PEM private key (unencrypted) of --tls-cert.",
    };

    public static readonly Option<string?> TlsCaOption = new("--tls-ca")
    {
        Description = "PEM certificate(s) of the CA that peers' certificates must be signed by; the system trust store is not used.",
    };

    public static SecurityOptions From(ParseResult parsed) =>
        new(AccessToken.Load(parsed.GetValue(TokenFileOption), Environment.GetEnvironmentVariable(AccessToken.EnvironmentVariable)), parsed.GetValue(InsecureOption),
            TlsIdentity.Load(parsed.GetValue(TlsCertOption), parsed.GetValue(TlsKeyOption), parsed.GetValue(TlsCaOption)));
}
