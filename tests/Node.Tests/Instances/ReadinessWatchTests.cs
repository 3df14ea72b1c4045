using System.Net;
using System.Net.Sockets;
using Chorus.Node.Instances;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Readiness;

namespace Chorus.Node.Tests.Instances;

public sealed class ReadinessWatchTests
{
    private static readonly ProcessSpec Spec = new("web", "true", "test");

    [Fact]
    public async Task A_look_is_not_stacked_on_one_under_way()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var watch = Watch(ReadinessKind.Tcp, $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        watch.Begin(run: 1);

        var look = watch.BeginLook();
        Assert.NotNull(look);
        Assert.Null(watch.BeginLook());

        Assert.True(watch.Answered(1, await look));
        Assert.NotNull(watch.BeginLook());
    }

    [Fact]
    public void An_answer_for_an_earlier_run_does_not_make_the_watched_one_ready()
    {
        var watch = Watch(ReadinessKind.Tcp, $"127.0.0.1:{ReadinessProbeTests.ClosedPort()}");
        watch.Begin(run: 1);
        watch.Begin(run: 2);

        Assert.False(watch.Answered(1, ready: true));
        Assert.True(watch.Answered(2, ready: true));
        Assert.False(watch.Answered(2, ready: false));
    }

    [Fact]
    public async Task The_timeout_of_the_watched_run_fails_it_saying_why_the_last_look_failed()
    {
        var port = ReadinessProbeTests.ClosedPort();
        var watch = Watch(ReadinessKind.Tcp, $"127.0.0.1:{port}", timeout: TimeSpan.FromSeconds(2));
        watch.Begin(run: 1);
        Assert.False(watch.Answered(1, await watch.BeginLook()!));

        Assert.True(watch.TimedOut(1));

        Assert.True(watch.Failed);
        Assert.Equal($"not ready within 2 s (readiness timeout): 127.0.0.1:{port} refused the connection", watch.Failure);
    }

    [Fact]
    public void The_timeout_of_an_earlier_run_counts_for_nothing()
    {
        var watch = Watch(ReadinessKind.Tcp, $"127.0.0.1:{ReadinessProbeTests.ClosedPort()}");
        watch.Begin(run: 1);
        watch.Begin(run: 2);

        Assert.False(watch.TimedOut(1));
        Assert.False(watch.Failed);
    }

    [Fact]
    public void A_new_run_begins_without_the_last_ones_failure()
    {
        var watch = Watch(ReadinessKind.Tcp, $"127.0.0.1:{ReadinessProbeTests.ClosedPort()}");
        watch.Begin(run: 1);
        Assert.True(watch.TimedOut(1));

        watch.Begin(run: 2);

        Assert.False(watch.Failed);
        Assert.Null(watch.Failure);
    }

    [Fact]
    public void A_log_check_probes_nothing_but_still_times_out()
    {
        var watch = Watch(ReadinessKind.Log, "listening", timeout: TimeSpan.FromMilliseconds(500));
        watch.Begin(run: 1);

        Assert.False(watch.Probes);
        Assert.Null(watch.BeginLook());
        Assert.True(watch.TimedOut(1));
        Assert.Equal("not ready within 0.5 s (readiness timeout)", watch.Failure);
    }

    [Fact]
    public async Task Stopping_cancels_the_look_under_way_and_takes_no_more()
    {
        // The look may take 10 s (its longest); a cancelled one ends well before.
        var watch = Watch(ReadinessKind.Command, "sleep 60", interval: TimeSpan.FromSeconds(60));
        watch.Begin(run: 1);
        var look = watch.BeginLook()!;

        watch.Stop();

        Assert.Same(look, await Task.WhenAny(look, Task.Delay(TimeSpan.FromSeconds(8))));
        Assert.False(await look);
        Assert.Null(watch.BeginLook());
    }

    private static ReadinessWatch Watch(ReadinessKind kind, string target, TimeSpan? interval = null, TimeSpan? timeout = null) =>
        new(new ReadinessCheck(kind, target, interval ?? TimeSpan.FromSeconds(5), timeout ?? TimeSpan.FromSeconds(60)), Spec,
            new Dictionary<string, string>());
}
