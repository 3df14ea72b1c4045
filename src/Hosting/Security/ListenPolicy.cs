using System.Net;
using System.Net.Sockets;

namespace Chorus.Hosting.Security;

/// <summary>
/// Loopback is safe to serve without a token; anything else faces a network. Like Redis's protected mode,
/// a listener that faces a network without a token refuses to start unless --insecure says the risk is accepted.
/// </summary>
public static class ListenPolicy
{
    public static void Check(HostPort listen, string flag, SecurityOptions security)
    {
        if (IsLoopback(listen.Host)) return;
        if (security.Token is not null)
        {
            if (security.Tls is null)
                Notice.Warning($"{flag} {listen} is reachable from the network without TLS: the token and the lines cross it in clear text. " +
                               "Give --tls-cert, --tls-key and --tls-ca (README, Security), or tunnel.");
            return;
        }
        if (security.Insecure)
        {
            Notice.Warning($"{flag} {listen} is reachable from the network and no token is set (--insecure): anyone who can reach it can read and inject lines.");
            return;
        }
        throw new UsageException(
            $"{flag} {listen} is not a loopback address and no token is set, so anyone who can reach it could read or inject lines. " +
            $"Give a shared token with --token-file FILE or the {AccessToken.EnvironmentVariable} environment variable, " +
            $"listen on 127.0.0.1, or add --insecure to accept the risk.");
    }

    /// <summary>127.0.0.0/8 and ::1, or a host name that resolves only to such addresses.</summary>
    public static bool IsLoopback(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return IPAddress.IsLoopback(ip);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.Length > 0 && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException)
        {
            return false; // unresolvable: not provably loopback; binding it will fail with its own message
        }
    }
}
