using System.Net.WebSockets;

namespace Chorus.Aggregator.Http;

/// <summary>
/// Every write to one WebSocket: a socket takes one send (or close) at a time, and /attach has two writers,
/// the stream and its answers to input. Uncontended, a send waits for nothing and allocates nothing more than
/// the socket's own send.
/// </summary>
internal sealed class FrameSender(WebSocket socket)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>One UTF-8 text frame.</summary>
    public async ValueTask Send(ReadOnlyMemory<byte> frame, CancellationToken cancel)
    {
        await _one.WaitAsync(cancel);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancel);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Closes our side with a reason, unless the socket is already closing.</summary>
    public async Task Close(WebSocketCloseStatus status, string reason, CancellationToken cancel)
    {
        await _one.WaitAsync(cancel);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason, cancel);
        }
        finally
        {
            _one.Release();
        }
    }
}
