using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// The page, served from resources embedded in the executable: one file to install, nothing fetched from
/// a CDN, and the page always matches the server that serves it.
/// </summary>
public static class StaticAssets
{
    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static void Map(WebApplication app)
    {
        foreach (var (path, resource, contentType) in Assets)
        {
            var bytes = Load(resource);
            app.MapGet(path, () => Results.Bytes(bytes, contentType));
        }
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded in this build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
