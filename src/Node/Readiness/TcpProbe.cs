using System.Net.Sockets;

namespace Chorus.Node.Readiness;

/// <summary>Ready once HOST:PORT accepts a TCP connection within one look (the connection is closed at once).</summary>
public sealed class TcpProbe((string Host, int Port) target, TimeSpan look) : IReadinessProbe
{
    private readonly string _target = $"{target.Host}:{target.Port}";

    public string LastFailure { get; private set; } = "not looked at yet";

    public async Task<bool> IsReadyAsync(CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(look);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(target.Host, target.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e)
        {
            LastFailure = e.SocketErrorCode == SocketError.ConnectionRefused
                ? $"{_target} refused the connection"
                : $"{_target}: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            LastFailure = $"{_target} did not accept a connection within {ReadinessProbes.Say(look)}";
        }
        return false;
    }

    /// <summary>"HOST:PORT" ("[::1]:5432" for an IPv6 address).</summary>
    public static (string Host, int Port) ParseTarget(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new FormatException($"readiness tcp = \"{target}\" is not HOST:PORT (a port from 1 to 65535): write it like \"127.0.0.1:5432\".");
        return (target[..colon].Trim('[', ']'), port);
    }
}
