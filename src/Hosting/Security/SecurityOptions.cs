using System.CommandLine;

namespace Chorus.Hosting.Security;

/// <summary>The flags both executables share for authentication, encryption and opening listeners to the network.</summary>
public sealed record SecurityOptions(AccessToken? Token, bool Insecure, TlsIdentity? Tls = null)
{
    public static readonly Option<string?> TokenFileOption = new("--token-file")
    {
        Description = $"File holding the shared token (surrounding whitespace is ignored). Default: the {AccessToken.EnvironmentVariable} environment variable; none when unset.",
    };

    public const string WatchTokenVariable = "CHORUS_WATCH_TOKEN";

    /// <summary>The aggregator's read-only token: it watches (/ws, /events, /api/nodes) but cannot act (/api/actions, /attach).</summary>
    public static readonly Option<string?> WatchTokenFileOption = new("--watch-token-file")
    {
        Description = $"File holding a read-only token: it can watch but gets 403 on actions and attach. Needs --token-file (or {AccessToken.EnvironmentVariable}). " +
                      $"Default: the {WatchTokenVariable} environment variable; none when unset.",
    };

    /// <summary>
    /// The watch token from --watch-token-file or CHORUS_WATCH_TOKEN, or none. Without a main token there is nothing it
    /// could be less than (everyone may act), so one is refused rather than give a false sense of protection.
    /// </summary>
    public static AccessToken? WatchToken(ParseResult parsed, AccessToken? token)
    {
        var watch = AccessToken.Load(parsed.GetValue(WatchTokenFileOption), Environment.GetEnvironmentVariable(WatchTokenVariable), "--watch-token-file", WatchTokenVariable);
        if (watch is null) return null;
        if (token is null)
            throw new UsageException($"A watch token (--watch-token-file or {WatchTokenVariable}) is set but no token is: without one anyone may act and " +
                                     $"the watch token protects nothing. Set the full token too (--token-file or {AccessToken.EnvironmentVariable}), or drop the watch token.");
        if (token.Matches(watch.Value))
            throw new UsageException("The watch token is the same as the token, so it could act as well. Give the watch token a value of its own (e.g. openssl rand -hex 32).");
        return watch;
    }

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
