using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Security;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// The flags every command that talks to a running aggregator shares (ctl, run, queue): --url, --token-file and
/// --tls-ca, one set per command, read into an <see cref="AggregatorEndpoint"/>.
/// </summary>
public sealed class AggregatorAccess
{
    public const string DefaultUrl = "http://127.0.0.1:8181";

    private readonly Option<string> _url = new("--url")
    {
        Description = $"The aggregator's HTTP address (its \"watch at\" line). Default: {DefaultUrl}.",
        DefaultValueFactory = _ => DefaultUrl,
    };

    private readonly Option<string?> _tokenFile = new("--token-file")
    {
        Description = $"File holding the aggregator's token. Default: the {AccessToken.EnvironmentVariable} environment variable; none when unset.",
    };

    private readonly Option<string?> _tlsCa = new("--tls-ca")
    {
        Description = "PEM certificate of the CA that signed an HTTPS aggregator's --tls-cert (the aggregator's own --tls-ca file). Default: the system's trust store.",
    };

    /// <param name="recursive">Also on every subcommand (queue list, queue cancel, ...).</param>
    public void AddTo(Command command, bool recursive = false)
    {
        foreach (var option in new Option[] { _url, _tokenFile, _tlsCa })
        {
            option.Recursive = recursive;
            command.Options.Add(option);
        }
    }

    /// <summary>The flags, checked: a bad --url or an unreadable --token-file is a <see cref="UsageException"/>.</summary>
    public AggregatorEndpoint Read(ParseResult parsed) =>
        new(BaseUrl(parsed.GetValue(_url)!),
            AccessToken.Load(parsed.GetValue(_tokenFile), Environment.GetEnvironmentVariable(AccessToken.EnvironmentVariable)),
            parsed.GetValue(_tlsCa));

    private static Uri BaseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--url \"{url}\" is not an http(s) address. Give the aggregator's \"watch at\" address, e.g. --url {DefaultUrl}.");
}

/// <summary>Where the aggregator is, the token to show it, and the CA to trust it by (null: the system's).</summary>
public sealed record AggregatorEndpoint(Uri Url, AccessToken? Token, string? AuthorityFile)
{
    public AggregatorClient Client() => new(Url, Token, AggregatorTrust.Handler(AuthorityFile));
}
