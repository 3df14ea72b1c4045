using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// A TCP relay in front of the aggregator's HTTP port that can cut every connection through it, as a
/// restarting proxy or a network outage does, and answer 503 meanwhile (what makes a browser's EventSource
/// give up retrying by itself). The page is opened through it; the aggregator never notices.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private static readonly byte[] Unavailable = Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private bool _down;

    public DroppingProxy(Uri target)
    {
        _targetPort = target.Port;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Accept();
    }

    public Uri Url { get; }

    private readonly List<string> _refused = [];

    /// <summary>The head (request line and headers) of each request answered 503 while down.</summary>
    public IReadOnlyList<string> Refused
    {
        get { lock (_lock) return [.. _refused]; }
    }

    /// <summary>Cuts every open connection; until <see cref="Restore"/>, new ones are answered 503.</summary>
    public void Drop()
    {
        lock (_lock)
        {
            _down = true;
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_lock) _down = false;
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Relay(client);
        }
    }

    private async Task Relay(TcpClient client)
    {
        bool down;
        lock (_lock) down = _down;
        if (down)
        {
            var head = await ReadHead(client.GetStream());
            lock (_lock) _refused.Add(head);
            await Ignore(async () => await client.GetStream().WriteAsync(Unavailable, _stop.Token));
            client.Dispose();
            return;
        }
        var upstream = new TcpClient();
        await Ignore(() => upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token).AsTask());
        lock (_lock)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
        await Task.WhenAny(Pump(client, upstream), Pump(upstream, client));
        client.Dispose();
        upstream.Dispose();
    }

    private async Task<string> ReadHead(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await Ignore(async () =>
        {
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 64 * 1024)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return;
                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        });
        return head.ToString();
    }

    private async Task Pump(TcpClient from, TcpClient to) =>
        await Ignore(() => from.GetStream().CopyToAsync(to.GetStream(), _stop.Token));

    // A cut connection ends its copies with whichever exception the socket gives: that is the point here.
    private static async Task Ignore(Func<Task> io)
    {
        try
        {
            await io();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Drop();
        await _accepting;
        _stop.Dispose();
    }
}
