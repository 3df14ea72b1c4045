using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// A bare TCP connection to the aggregator's HTTP port, for clients no well-behaved library would be: a
/// handshake written by hand, frames cut short, bytes dribbled. Every call is bounded in time.
/// </summary>
public static class RawConnection
{
    public static async Task<TcpClient> ConnectAsync(AggregatorProcess aggregator)
    {
        var client = new TcpClient();
        using var timeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
        await client.ConnectAsync(IPAddress.Loopback, aggregator.Url.Port, timeout.Token);
        return client;
    }

    /// <summary>Connects and upgrades to a WebSocket on <paramref name="pathAndQuery"/>; returns the handshake answer.</summary>
    public static async Task<(TcpClient Client, string Handshake)> UpgradeAsync(AggregatorProcess aggregator, string pathAndQuery)
    {
        var client = await ConnectAsync(aggregator);
        var stream = client.GetStream();
        await WriteAsync(stream, $"GET /{pathAndQuery} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
                                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        return (client, await ReadUntilAsync(stream, "\r\n\r\n"));
    }

    public static async Task WriteAsync(NetworkStream stream, string ascii)
    {
        using var timeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(ascii), timeout.Token);
    }

    /// <summary>False when the server has closed the connection.</summary>
    public static async Task<bool> TryWriteAsync(NetworkStream stream, byte[] bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
            await stream.WriteAsync(bytes, timeout.Token);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        using var timeout = new CancellationTokenSource(WatcherSocket.ReadTimeout);
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal) && text.Length < 16 * 1024)
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0) break;
            text.Append((char)one[0]);
        }
        return text.ToString();
    }

    /// <summary>
    /// True when the server ends the connection (end of stream or reset) within <paramref name="within"/>;
    /// whatever it says before that (a close frame, a 408) is read and dropped, up to a bound.
    /// </summary>
    public static async Task<bool> ReadsToEndAsync(NetworkStream stream, TimeSpan within, Task<int>? pending = null)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[64 * 1024];
        try
        {
            if (pending is not null && await pending.WaitAsync(timeout.Token) == 0) return true;
            for (var read = 0; read < 1024 * 1024;)
            {
                var n = await stream.ReadAsync(buffer, timeout.Token);
                if (n == 0) return true;
                read += n;
            }
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
