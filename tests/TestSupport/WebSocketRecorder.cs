using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.WebSockets;
using System.Text;

namespace Chorus.Tests.Support;

/// <summary>A real WebSocket client that records every text frame it receives.</summary>
public sealed class WebSocketRecorder : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;

    public ConcurrentQueue<string> Frames { get; } = new();

    /// <param name="http">The aggregator's "watch at" address: http:// connects with ws://, https:// with wss://.</param>
    /// <param name="trust">For wss://: which server certificates to accept (a test CA's), instead of the system's trust store.</param>
    public static async Task<WebSocketRecorder> ConnectAsync(Uri http, string pathAndQuery = "/ws", RemoteCertificateValidationCallback? trust = null)
    {
        var recorder = new WebSocketRecorder();
        recorder._socket.Options.RemoteCertificateValidationCallback = trust;
        var ws = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = pathAndQuery.Split('?')[0], Query = pathAndQuery.Contains('?') ? pathAndQuery.Split('?')[1] : "" }.Uri;
        await recorder._socket.ConnectAsync(ws, CancellationToken.None);
        recorder._receiving = recorder.ReceiveAsync();
        return recorder;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                Frames.Enqueue(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    /// <summary>One text frame to the server, while frames keep being recorded (a send may overlap a receive, not another send).</summary>
    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _socket.Dispose();
    }
}
