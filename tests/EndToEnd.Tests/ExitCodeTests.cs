using System.Net;
using System.Net.Sockets;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>README's exit codes, from the real executables: a script can rely on each.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _procfile = Path.GetTempFileName();
    private readonly string _config = Path.GetTempFileName();

    [Theory]
    [InlineData("exit 7", 7)]
    [InlineData("kill -TERM $$", 128 + 15)]
    [InlineData("true", 0)]
    public async Task The_node_exits_like_its_one_command(string command, int expected)
    {
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync();
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n", "--listen", "127.0.0.1:0", "--", "sh", "-c", command);

        Assert.Equal(expected, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_node_exits_with_the_code_of_the_first_process_that_failed()
    {
        // "second" fails too, 3.7 s after "first": the processes start one after another, and on a loaded 2-core
        // machine their starts can be a second or more apart (1.2 s was not always enough).
        File.WriteAllText(_procfile, "fine: true\nfirst: sleep 0.3; exit 4\nsecond: sleep 4; exit 5\n");
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync();
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n", "--listen", "127.0.0.1:0", "--procfile", _procfile);

        Assert.Equal(4, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_aggregator_running_a_procfile_passes_on_the_first_failure_and_signals_as_128_plus_the_signal()
    {
        // "later" fails too, 3 s after "killed": a margin a loaded 2-core machine's process starts cannot eat up
        // (1.2 s once did not, in a CI run beside three builds: "later" was reported first).
        File.WriteAllText(_procfile, "fine: true\nkilled: kill -KILL $$\nlater: sleep 3; exit 5\n");
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--procfile", _procfile);

        Assert.Equal(128 + 9, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_node_whose_lines_were_never_acknowledged_exits_3()
    {
        // A port nobody listens on: the node never joins, so nothing it read is acknowledged. No spool: the lines
        // can go nowhere else.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        File.WriteAllText(_config, "chorus.node { drain-timeout = 1s }");
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", $"127.0.0.1:{port}", "--name", "n", "--listen", "127.0.0.1:0",
            "--spool-max-bytes", "0", "--config", _config, "--", "echo", "unheard");

        Assert.Equal(3, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(node.Stderr, l => l.Contains("not acknowledged"));
    }

    public void Dispose()
    {
        File.Delete(_procfile);
        File.Delete(_config);
    }
}
