using System.CommandLine;

namespace Chorus.Hosting.Security;

/// <summary>The flags both executables share for authentication and for opening listeners to the network.</summary>
public sealed record SecurityOptions(AccessToken? Token, bool Insecure)
{
    public static readonly Option<string?> TokenFileOption = new("--token-file")
    {
        Description = $"File holding the shared token (surrounding whitespace is ignored). Default: the {AccessToken.EnvironmentVariable} environment variable; none when unset.",
    };

    public static readonly Option<bool> InsecureOption = new("--insecure")
    {
        Description = "Allow listening on a non-loopback address without a token. Anyone who can reach the port can then read and inject lines.",
    };

    public static SecurityOptions From(ParseResult parsed) =>
        new(AccessToken.Load(parsed.GetValue(TokenFileOption)), parsed.GetValue(InsecureOption));
}
