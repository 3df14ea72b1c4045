using Chorus.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// With a token configured, the stream and the API need it: as <c>Authorization: Bearer TOKEN</c>, or as
/// <c>?token=TOKEN</c> for clients that cannot set headers (EventSource and WebSocket in browsers). The page
/// and its assets stay public so it can ask for the token; /healthz stays public and says only "ok".
/// </summary>
public static class WatcherAuthentication
{
    private static readonly PathString[] Protected = ["/ws", "/events", "/api", "/metrics"];

    public static void Use(WebApplication app, AccessToken? token)
    {
        if (token is null) return;
        app.Use(async (context, next) =>
        {
            if (!IsProtected(context.Request.Path) || token.Matches(Presented(context.Request)))
            {
                await next(context);
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"chorus\"";
            await PlainTextAnswer.Write(context, StatusCodes.Status401Unauthorized,
                "This aggregator needs its token. Send the header \"Authorization: Bearer TOKEN\" or add ?token=TOKEN to the URL; the page at / asks for it.");
        });
    }

    private static bool IsProtected(PathString path) => Protected.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private static string? Presented(HttpRequest request)
    {
        const string bearer = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return header[bearer.Length..].Trim();
        return request.Query["token"].FirstOrDefault();
    }
}
