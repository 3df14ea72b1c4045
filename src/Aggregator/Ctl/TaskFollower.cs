using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// Follows one task's output live over the aggregator's /ws (JSON frames, select=task-ID) until its end event.
/// The socket asks for a backlog, so what the task printed between the POST and the socket opening is sent first:
/// nothing the task says is missed by a CLI that connects a moment late.
/// </summary>
public static class TaskFollower
{
    /// <summary>
    /// How many of the task's items (lines, events) from before the socket opened are sent first. A task has
    /// printed little in the moment between its POST and its socket; the aggregator's backlog-capacity is 10,000
    /// by default, and a smaller one refuses this and run follows by polling instead.
    /// </summary>
    public const int Backlog = 1000;

    /// <summary>
    /// Null once the task's end event came; else why the stream ended first (the socket could not open or closed):
    /// the caller then asks for the task's state instead.
    /// </summary>
    public static async Task<string?> FollowAsync(AggregatorEndpoint endpoint, string taskId, TaskFrames frames, CancellationToken cancel)
    {
        using var socket = new ClientWebSocket();
        if (endpoint.Token is { } token) socket.Options.SetRequestHeader("Authorization", "Bearer " + token.Value);
        using var invoker = new HttpMessageInvoker(AggregatorTrust.Handler(endpoint.AuthorityFile));
        try
        {
            await socket.ConnectAsync(StreamUri(endpoint.Url, taskId), invoker, cancel);
            var buffer = new ArrayBufferWriter<byte>();
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancel);
                if (received.MessageType == WebSocketMessageType.Close)
                    return $"the aggregator closed the stream ({socket.CloseStatusDescription})";
                buffer.Advance(received.Count);
                if (!received.EndOfMessage) continue;
                var frame = Encoding.UTF8.GetString(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
                if (frames.Take(frame))
                {
                    await CloseQuietly(socket);
                    return null;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            cancel.ThrowIfCancellationRequested(); // a Ctrl-C that broke the socket is the caller's, not the stream's
            return $"the stream from the aggregator broke ({e.Message})";
        }
    }

    /// <summary>ws(s)://HOST:PORT/ws?select=task-t1&amp;backlog=N: the aggregator's own stream, this task's part of it.</summary>
    public static Uri StreamUri(Uri baseUrl, string taskId)
    {
        var uri = new UriBuilder(new Uri(baseUrl, "/ws"))
        {
            Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = $"select=task-{Uri.EscapeDataString(taskId)}&backlog={Backlog}",
        };
        return uri.Uri;
    }

    private static async Task CloseQuietly(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "the task ended", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Done with it either way: the summary comes from GET /api/tasks/ID.
        }
    }
}
