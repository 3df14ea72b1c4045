using System.Net;
using System.Net.Sockets;
using System.Text;
using Chorus.Tests.Support;
using Chorus.Node.Processes;
using Chorus.Node.Readiness;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Readiness;

public sealed class ReadinessProbeTests
{
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(5);
    private static readonly ProcessSpec Spec = new("db", "true", "test");

    [Fact]
    public async Task Tcp_is_ready_once_the_port_accepts_a_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var probe = Probe(ReadinessKind.Tcp, $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

        Assert.True(await probe.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Tcp_is_not_ready_on_a_closed_port_and_says_it_was_refused()
    {
        var port = ClosedPort();

        var probe = Probe(ReadinessKind.Tcp, $"127.0.0.1:{port}");

        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
        Assert.Equal($"127.0.0.1:{port} refused the connection", probe.LastFailure);
    }

    [Fact]
    public async Task Http_is_ready_on_2xx_and_not_on_503()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/health";
        var server = Task.Run(async () =>
        {
            await Answer(listener, "200 OK");
            await Answer(listener, "503 Service Unavailable");
        });
        var probe = Probe(ReadinessKind.Http, url);

        Assert.True(await probe.IsReadyAsync(CancellationToken.None));
        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
        Assert.Equal($"{url} answered 503", probe.LastFailure);
        await server;
    }

    [Fact]
    public async Task Http_follows_a_redirect_loop_only_so_far_and_is_not_ready()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/loop";
        var served = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Answer(listener, "302 Found\r\nLocation: /loop", stop.Token);
                Interlocked.Increment(ref served);
            }
        });
        var probe = Probe(ReadinessKind.Http, url);

        Assert.False(await probe.IsReadyAsync(CancellationToken.None));

        Assert.Equal($"{url} answered 302", probe.LastFailure);
        // The request and every redirect it was allowed (the last answer may still be on its way to this count).
        await Eventually.True(() => Volatile.Read(ref served) == 1 + HttpProbe.MostRedirects, TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
    }

    [Fact]
    public async Task Http_is_not_ready_on_a_closed_port()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}/";
        var probe = Probe(ReadinessKind.Http, url);

        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
        Assert.Equal($"{url} refused the connection", probe.LastFailure);
    }

    [Fact]
    public async Task Command_is_ready_when_it_exits_0_and_not_when_it_fails()
    {
        Assert.True(await Probe(ReadinessKind.Command, "true").IsReadyAsync(CancellationToken.None));

        var failing = Probe(ReadinessKind.Command, "false");
        Assert.False(await failing.IsReadyAsync(CancellationToken.None));
        Assert.Equal("readiness command \"false\" exited with 1", failing.LastFailure);
    }

    [Fact]
    public async Task Command_runs_in_the_process_directory_and_environment()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-ready-").FullName;
        try
        {
            var spec = Spec with { WorkingDirectory = directory };
            var check = new ReadinessCheck(ReadinessKind.Command, $"[ \"$(pwd)\" = \"{directory}\" ] && [ \"$DB_PORT\" = 5432 ]", Look, Look);
            var probe = ReadinessProbes.For(check, spec, new Dictionary<string, string> { ["DB_PORT"] = "5432" })!;

            Assert.True(await probe.IsReadyAsync(CancellationToken.None), probe.LastFailure);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task A_command_that_outlasts_the_look_is_killed_and_not_ready()
    {
        var look = TimeSpan.FromMilliseconds(500);
        var pidFile = Path.Combine(Path.GetTempPath(), $"chorus-ready-{Guid.NewGuid():N}");
        var check = new ReadinessCheck(ReadinessKind.Command, $"echo $$ > {pidFile}; exec sleep 60", look, TimeSpan.FromSeconds(60));
        var probe = ReadinessProbes.For(check, Spec, new Dictionary<string, string>())!;
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(await probe.IsReadyAsync(CancellationToken.None));

        // The look's timer counts whole milliseconds of the system tick, so it may end a fraction of one early by the
        // stopwatch (499.83 ms seen in CI): what matters is that it waited the look, not that it gave up at once.
        Assert.InRange(watch.Elapsed, look - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10));
        Assert.Contains("did not finish within 500 ms and was killed", probe.LastFailure);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        File.Delete(pidFile);
        await Eventually.True(() => !ProcessGroupMembers.Alive(pid), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_log_check_has_no_probe()
    {
        Assert.Null(ReadinessProbes.For(new ReadinessCheck(ReadinessKind.Log, "ready", Look, Look), Spec, new Dictionary<string, string>()));
    }

    private static IReadinessProbe Probe(ReadinessKind kind, string target) =>
        ReadinessProbes.For(new ReadinessCheck(kind, target, Look, TimeSpan.FromSeconds(60)), Spec, new Dictionary<string, string>())!;

    // A port nothing listens on: taken from the system, then let go.
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // One raw HTTP exchange: read the request's head, answer with the status, close.
    private static async Task Answer(TcpListener listener, string status, CancellationToken cancellation = default)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellation);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    }
}
