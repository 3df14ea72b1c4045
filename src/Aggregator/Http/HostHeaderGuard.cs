using System.Net;
using Chorus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// Against DNS rebinding: a page on a name its owner makes resolve to 127.0.0.1 would be same-origin with
/// this port, and could read the stream without a token. The browser still sends that name as Host, so
/// without a token only requests naming a loopback address, localhost or the --http host are answered; every
/// other gets 403 and why, on every path. With a token the token guards the port, whatever the name.
/// </summary>
public static class HostHeaderGuard
{
    public static void Use(WebApplication app, string boundHost, bool tokenRequired)
    {
        if (tokenRequired) return;
        app.Use(async (context, next) =>
        {
            var host = context.Request.Host.Host;
            if (IsAllowed(host, boundHost))
            {
                await next(context);
                return;
            }
            await PlainTextAnswer.Write(context, StatusCodes.Status403Forbidden,
                $"Host \"{PrintableText.Quote(context.Request.Host.Value)}\" is not this aggregator's address: without a token it answers only requests for localhost, a loopback address or {boundHost}, so that no web page can reach it under another name (DNS rebinding). Use http://localhost:PORT/, or give the aggregator a token (--token-file).");
        });
    }

    /// <summary>localhost, a loopback address, the bound host itself; and any address when bound to all of them (0.0.0.0 or ::).</summary>
    public static bool IsAllowed(string host, string boundHost)
    {
        if (host.Length == 0) return false;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Equals(boundHost, StringComparison.OrdinalIgnoreCase)) return true;
        // An address, unlike a name, cannot be rebound: a page reaching us by address has that address as its origin.
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address)) return false;
        return IPAddress.IsLoopback(address)
               || (IPAddress.TryParse(boundHost.Trim('[', ']'), out var bound) && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any)));
    }
}
