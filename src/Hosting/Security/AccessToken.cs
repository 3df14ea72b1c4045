using System.Security.Cryptography;
using System.Text;

namespace Chorus.Hosting.Security;

/// <summary>
/// The shared secret that nodes present when they join and watchers present over HTTP. Only its SHA-256
/// is kept for comparing: hashing both sides first makes the comparison constant-time even when the
/// lengths differ, so neither the content nor the length of the token leaks through timing.
/// </summary>
public sealed class AccessToken
{
    public const string EnvironmentVariable = "CHORUS_TOKEN";

    private readonly byte[] _hash;

    private AccessToken(string value)
    {
        Value = value;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>The token itself: a node sends it in its join request.</summary>
    public string Value { get; }

    public bool Matches(string? presented) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? "")));

    public static AccessToken From(string value, string source)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
            throw new UsageException($"{source} is empty. Put the shared token in it (e.g. openssl rand -hex 32), or give no token at all.");
        return new AccessToken(trimmed);
    }

    /// <summary>
    /// The token from --token-file, else from CHORUS_TOKEN (<paramref name="fromEnvironment"/>, its value), else none.
    /// A file wins over the environment because it was named on this command line. Unreadable or empty sources
    /// are usage errors.
    /// </summary>
    public static AccessToken? Load(string? file, string? fromEnvironment) => Load(file, fromEnvironment, "--token-file", EnvironmentVariable);

    /// <summary>As <see cref="Load(string?, string?)"/>, for a token of another flag and variable (the aggregator's watch token).</summary>
    public static AccessToken? Load(string? file, string? fromEnvironment, string flag, string variable)
    {
        if (file is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"{flag} \"{file}\" cannot be read ({e.Message}). Give a readable file holding the token.");
            }
            return From(text, $"{flag} \"{file}\"");
        }
        return fromEnvironment is null ? null : From(fromEnvironment, $"The {variable} environment variable");
    }
}
