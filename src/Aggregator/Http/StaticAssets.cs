using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// The page, served from resources embedded in the executable: one file to install, nothing fetched from
/// a CDN, and the page always matches the server that serves it. index.html is the page at /; every other
/// file of wwwroot (the stylesheet, app.js and the modules it imports) is served under its own name.
/// </summary>
public static class StaticAssets
{
    private const string Folder = "wwwroot/";
    private const string Page = "index.html";

    // Module scripts run only when served with a JavaScript type.
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        var assembly = typeof(StaticAssets).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Folder, StringComparison.Ordinal)).Select(n => n[Folder.Length..]).ToList();
        if (!names.Contains(Page)) throw new InvalidOperationException($"The page {Page} is not embedded in this build.");
        foreach (var name in names)
        {
            var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name))
                ?? throw new InvalidOperationException($"The page asset {name} has no content type; add its extension to StaticAssets.");
            var bytes = Load(name);
            app.MapGet(name == Page ? "/" : "/" + name, (HttpContext context) =>
            {
                // The modules of one page must come from one build: after an upgrade, fetch them all again.
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            });
        }
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(Folder + name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded in this build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
