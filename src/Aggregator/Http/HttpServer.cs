using System.Net;
using System.Security.Cryptography.X509Certificates;
using Chorus.Aggregator.Metrics;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Aggregator.Http;

/// <summary>
/// Kestrel, serving the people who watch: the page, the stream (WebSocket and Server-Sent Events), the
/// node API and health. ASP.NET's own logs go to stderr and only from warnings up, so stdout stays the
/// merged stream.
/// </summary>
public static class HttpServer
{
    /// <param name="certificate">With one, the port speaks only HTTPS (and WSS); watchers need no certificate of their own, they present the token.</param>
    /// <param name="watchToken">The read-only token: it may watch, not act (null: none).</param>
    public static async Task<(WebApplication App, HostPort Bound)> StartAsync(HttpServices services, AggregatorSettings settings,
        AccessToken? token, AccessToken? watchToken, X509Certificate2? certificate = null)
    {
        var listen = settings.Http;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new NoticeLoggerProvider());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel =>
        {
            Limit(kestrel.Limits, settings);
            kestrel.Listen(Resolve(listen), listen.Port, endpoint =>
            {
                if (certificate is not null) endpoint.UseHttps(certificate);
            });
        });
        builder.Services.AddSingleton(services.Feed);
        builder.Services.AddSingleton(services.Board);
        builder.Services.AddSingleton(services.Directory);
        builder.Services.AddSingleton(services.Control);
        builder.Services.AddSingleton(services.Metrics);
        builder.Services.AddSingleton(services.Tasks);
        builder.Services.AddSingleton(settings);

        var app = builder.Build();
        HostHeaderGuard.Use(app, listen.Host, tokenRequired: token is not null);
        WatcherAuthentication.Use(app, token, watchToken);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = settings.WebSocketKeepAlive, KeepAliveTimeout = settings.WebSocketKeepAliveTimeout });
        app.Map("/ws", WebSocketEndpoint.Handle);
        app.Map("/attach", AttachEndpoint.Handle);
        app.MapGet("/events", ServerSentEventsEndpoint.Handle);
        app.MapGet("/api/nodes", NodesEndpoint.Handle);
        app.MapGet("/metrics", MetricsEndpoint.Handle);
        app.MapPost(ActionsEndpoint.Path, ActionsEndpoint.Handle);
        TasksEndpoint.Map(app);
        GroupsEndpoint.Map(app);
        app.MapGet("/healthz", () => "ok\n");
        StaticAssets.Map(app);
        // Every path and method, dotted ones too (MapFallback's default skips names that look like files).
        app.MapFallback("{*path}", NotFound);

        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            throw new CannotListenException($"cannot serve HTTP on {listen} ({e.Message}). Pick a free port with --http HOST:PORT, or port 0 for any free port.", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HostPort(listen.Host, new Uri(address).Port));
    }

    // Sized to what this server is asked, so not settings: a token, a grep= regex and filters fit many times
    // over in a request line. Headers carry Authorization and Last-Event-ID, but a browser also sends every
    // cookie of the host (on localhost, of every port), so they keep Kestrel's generous defaults. A request
    // line or headers beyond these are answered 414 or 431. Only the acting endpoints (/api/actions, tasks, groups) read a body,
    // and raise the limit for themselves (ActingRequest.MaxBodyBytes); elsewhere a request with a body is answered as usual, and
    // the connection is closed rather than drained past this limit.
    private const int MaxRequestLineBytes = 8 * 1024;
    private const int MaxRequestHeadersBytes = 32 * 1024;
    private const int MaxRequestHeaderCount = 100;
    private const int MaxRequestBodyBytes = 4 * 1024;

    private static void Limit(KestrelServerLimits limits, AggregatorSettings settings)
    {
        limits.MaxConcurrentConnections = settings.HttpMaxConnections;
        // A WebSocket leaves the count above when it upgrades; it is held to the same number on its own.
        limits.MaxConcurrentUpgradedConnections = settings.HttpMaxConnections;
        limits.RequestHeadersTimeout = settings.HttpRequestHeadersTimeout;
        limits.KeepAliveTimeout = settings.HttpKeepAliveTimeout;
        limits.MaxRequestLineSize = MaxRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.MaxRequestBodySize = MaxRequestBodyBytes;
        // MinRequestBodyDataRate and MinResponseDataRate keep Kestrel's defaults (240 bytes/s after a 5 s
        // grace): a client that trickles a body, or reads a response slower than that while the server
        // waits to write, is dropped. A WebSocket is exempt; its own bounded buffer and gap event cover it.
    }

    private static Task NotFound(HttpContext context) =>
        PlainTextAnswer.Write(context, StatusCodes.Status404NotFound,
            $"Nothing at {context.Request.Method} {context.Request.Path}. This aggregator serves GET / (the page), /events (Server-Sent Events), /ws (WebSocket), /attach (WebSocket, to type into processes), /api/nodes, POST /api/actions, /api/tasks, /api/groups, /metrics and /healthz.");

    private static IPAddress Resolve(HostPort listen) =>
        IPAddress.TryParse(listen.Host, out var ip) ? ip
        : listen.Host == "localhost" ? IPAddress.Loopback
        : Dns.GetHostAddresses(listen.Host).FirstOrDefault()
          ?? throw new UsageException($"--http {listen}: \"{listen.Host}\" does not resolve to an address. Use an IP address, e.g. 127.0.0.1.");
}
