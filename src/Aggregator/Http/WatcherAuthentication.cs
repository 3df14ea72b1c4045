using Chorus.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// With a token configured, the stream and the API need it: as <c>Authorization: Bearer TOKEN</c>, or as
/// <c>?token=TOKEN</c> for clients that cannot set headers (EventSource and WebSocket in browsers). The page
/// and its assets stay public so it can ask for the token; /healthz stays public and says only "ok".
/// A watch token (read-only) opens everything but what acts on processes: /api/actions, /attach, and any request
/// but GET to /api/tasks and /api/groups (queueing, cancelling, setting a group) answer it 403.
/// </summary>
public static class WatcherAuthentication
{
    private static readonly PathString[] Protected = ["/ws", "/events", "/api", "/attach", "/metrics"];
    private static readonly PathString[] Acting = [ActionsEndpoint.Path, "/attach"];
    // Read with GET, changed with anything else.
    private static readonly PathString[] ActingUnlessRead = [TasksEndpoint.Path, GroupsEndpoint.Path];

    public static void Use(WebApplication app, AccessToken? token, AccessToken? watchToken = null)
    {
        if (token is null) return;
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!StartsWithAny(path, Protected))
            {
                await next(context);
                return;
            }
            var presented = Presented(context.Request);
            if (token.Matches(presented))
            {
                await next(context);
                return;
            }
            if (watchToken is not null && watchToken.Matches(presented))
            {
                if (!IsActing(context.Request))
                {
                    await next(context);
                    return;
                }
                await PlainTextAnswer.Write(context, StatusCodes.Status403Forbidden,
                    $"The watch token can watch but not act: {path} needs the aggregator's full token (--token-file).");
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"chorus\"";
            await PlainTextAnswer.Write(context, StatusCodes.Status401Unauthorized,
                "This aggregator needs its token. Send the header \"Authorization: Bearer TOKEN\" or add ?token=TOKEN to the URL; the page at / asks for it.");
        });
    }

    private static bool IsActing(HttpRequest request) =>
        StartsWithAny(request.Path, Acting) || (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && StartsWithAny(request.Path, ActingUnlessRead));

    private static bool StartsWithAny(PathString path, PathString[] prefixes) => prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private static string? Presented(HttpRequest request)
    {
        const string bearer = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return header[bearer.Length..].Trim();
        return request.Query["token"].FirstOrDefault();
    }
}
