using System.Text.RegularExpressions;
using Chorus.Hosting;

namespace Chorus.Node.Spec;

/// <summary>A process's <c>readiness</c> block: exactly one of log, tcp, http, command, and how often and how long to look.</summary>
internal static class ReadinessReader
{
    private static readonly string[] Kinds = ["log", "tcp", "http", "command"];
    private static readonly string[] Keys = [.. Kinds, "interval", "timeout"];
    private const string Example = "readiness { log = \"ready to accept connections\" }";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static ReadinessCheck Read(SpecValue value)
    {
        var block = value.Object(Keys, Example);
        var given = Kinds.Where(k => block.Get(k) is not null).ToArray();
        if (given.Length != 1)
            throw block.Error(given.Length == 0 ? "names no check" : $"names {given.Length} checks ({string.Join(", ", given)})",
                "give exactly one of log = \"REGEX\", tcp = \"HOST:PORT\", http = \"URL\" or command = \"...\"");
        var target = block.Get(given[0])!;
        var kind = given[0] switch
        {
            "log" => ReadinessKind.Log,
            "tcp" => ReadinessKind.Tcp,
            "http" => ReadinessKind.Http,
            _ => ReadinessKind.Command,
        };
        var text = Check(kind, target);
        return new ReadinessCheck(kind, text,
            block.Get("interval")?.Duration() ?? DefaultInterval,
            block.Get("timeout")?.Duration() ?? DefaultTimeout);
    }

    private static string Check(ReadinessKind kind, SpecValue target)
    {
        switch (kind)
        {
            case ReadinessKind.Log:
            {
                var pattern = target.Text("log = \"listening on port \\\\d+\"");
                try
                {
                    // The node matches with the same options, so what passes here compiles there.
                    _ = new Regex(pattern, RegexOptions.NonBacktracking);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw target.Error($"\"{pattern}\" is not a usable regular expression: {e.Message}",
                        "write a .NET regex without lookarounds or backreferences, e.g. log = \"ready to accept connections\"");
                }
                return pattern;
            }
            case ReadinessKind.Tcp:
            {
                var address = target.Text("tcp = \"127.0.0.1:5432\"");
                HostPort port;
                try
                {
                    port = HostPort.Parse(address, target.Path);
                }
                catch (UsageException)
                {
                    throw target.Error($"\"{address}\" is not HOST:PORT", "write e.g. tcp = \"127.0.0.1:5432\"");
                }
                return port.Port > 0 ? address : throw target.Error($"\"{address}\" has port 0, which nothing listens on", "write the port the process listens on, e.g. tcp = \"127.0.0.1:5432\"");
            }
            case ReadinessKind.Http:
            {
                var url = target.Text("http = \"http://127.0.0.1:8080/health\"");
                return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? url
                    : throw target.Error($"\"{url}\" is not an absolute http or https URL", "write e.g. http = \"http://127.0.0.1:8080/health\"");
            }
            default:
            {
                var command = target.Text("command = \"pg_isready\"").Trim();
                return command.Length > 0 ? command : throw target.Error("is empty", "write the command that exits 0 once the process is ready, e.g. command = \"pg_isready\"");
            }
        }
    }
}
