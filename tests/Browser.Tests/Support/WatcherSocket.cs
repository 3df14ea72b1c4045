using System.Net.WebSockets;
using System.Text;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// A client of /ws. Every connect and read fails after <see cref="ReadTimeout"/> rather than hanging the
/// test run.
/// </summary>
public static class WatcherSocket
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    public static async Task<ClientWebSocket> ConnectAsync(AggregatorProcess aggregator, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri(new Uri(aggregator.Url.ToString().Replace("http://", "ws://")), pathAndQuery);
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    /// <summary>The next <paramref name="count"/> messages, as text.</summary>
    public static async Task<IReadOnlyList<string>> ReceiveAsync(WebSocket socket, int count)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var frames = new List<string>();
        var buffer = new byte[64 * 1024];
        while (frames.Count < count)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    throw new EndOfStreamException($"The server closed the WebSocket: {socket.CloseStatus} {socket.CloseStatusDescription}");
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            frames.Add(Encoding.UTF8.GetString(message.ToArray()));
        }
        return frames;
    }

    /// <summary>Reads and drops messages until the server's close arrives.</summary>
    public static async Task ReceiveCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var buffer = new byte[4096];
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close) { }
    }
}
