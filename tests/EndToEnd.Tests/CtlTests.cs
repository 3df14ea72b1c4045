using System.Net;
using System.Net.Sockets;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// chorus-aggregator ctl, the real executable, against a real aggregator running a real `sleep` as its embedded
/// node's process: what it prints and every exit code it promises (README, "Exit codes").
/// </summary>
public sealed class CtlTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-ctl-").FullName;
    private ChorusProcess _aggregator = null!;
    private string _url = "";
    private string _tokenFile = "", _watchTokenFile = "";

    public async Task InitializeAsync()
    {
        _tokenFile = Write("token", "full-token");
        _watchTokenFile = Write("watch-token", "watch-token");
        var procfile = Write("Procfile", "sleeper: sleep 300\n");
        (_aggregator, _, var http) = await ChorusProcess.StartAggregatorAsync("--name", "n1", "--procfile", procfile,
            "--token-file", _tokenFile, "--watch-token-file", _watchTokenFile);
        _url = http.ToString().TrimEnd('/');
    }

    [Fact]
    public async Task Restart_prints_a_line_per_process_exits_0_and_the_process_gets_a_new_pid()
    {
        var before = await RunningPid();

        var (code, stdout, _) = await Ctl("restart", "sleeper", "--url", _url, "--token-file", _tokenFile);

        Assert.Equal(0, code);
        var line = Assert.Single(stdout);
        Assert.Matches(@"^n1\s+sleeper\s+ok\b", line);
        int after = 0;
        await Eventually.True(() => (after = PidIn(Ps().Result)) is not 0 && after != before, TimeSpan.FromSeconds(20));
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task A_selector_that_matches_nothing_exits_1_and_a_usage_error_2()
    {
        await RunningPid();
        var (nothing, _, nothingErr) = await Ctl("restart", "node:elsewhere", "--url", _url, "--token-file", _tokenFile);
        Assert.Equal(1, nothing);
        Assert.Contains(nothingErr, l => l.Contains("matches no process"));

        var (badVerb, _, badVerbErr) = await Ctl("reboot", "sleeper", "--url", _url, "--token-file", _tokenFile);
        var (noSelector, _, _) = await Ctl("restart", "--url", _url, "--token-file", _tokenFile);
        var (badSelector, _, _) = await Ctl("restart", "group:", "--url", _url, "--token-file", _tokenFile);
        var (tooMany, _, tooManyErr) = await Ctl("scale", "sleeper", "1000000000", "--url", _url, "--token-file", _tokenFile);
        Assert.Equal((2, 2, 2, 2), (badVerb, noSelector, badSelector, tooMany));
        Assert.Contains(tooManyErr, l => l.Contains("0 to 100"));
        Assert.Contains(badVerbErr, l => l.Contains("is not a verb") && l.Contains("restart"));
    }

    [Fact]
    public async Task A_missing_or_read_only_token_exits_6_and_nothing_is_done()
    {
        var before = await RunningPid();

        var (missing, _, missingErr) = await Ctl("stop", "sleeper", "--url", _url);
        var (watch, _, watchErr) = await Ctl("stop", "sleeper", "--url", _url, "--token-file", _watchTokenFile);

        Assert.Equal((6, 6), (missing, watch));
        Assert.Contains(missingErr, l => l.Contains("--token-file"));
        Assert.Contains(watchErr, l => l.Contains("watch token"));
        Assert.Equal(before, PidIn(await Ps()));
        // The watch token watches: ps works with it.
        var (psCode, psOut, _) = await Ctl("ps", "--url", _url, "--token-file", _watchTokenFile);
        Assert.Equal(0, psCode);
        Assert.Contains(psOut, l => l.StartsWith("n1") && l.Contains("sleeper"));
    }

    [Fact]
    public async Task An_aggregator_that_cannot_be_reached_exits_7()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // free, and nothing listens there now

        var (code, _, stderr) = await Ctl("restart", "all", "--url", $"http://127.0.0.1:{port}", "--token-file", _tokenFile);

        Assert.Equal(7, code);
        Assert.Contains(stderr, l => l.Contains("cannot reach") && l.Contains("--url"));
    }

    /// <summary>The sleeper's pid once ctl ps shows it running.</summary>
    private async Task<int> RunningPid()
    {
        var pid = 0;
        await Eventually.True(() => (pid = PidIn(Ps().Result)) != 0, TimeSpan.FromSeconds(20));
        return pid;
    }

    private async Task<IReadOnlyList<string>> Ps() => (await Ctl("ps", "sleeper", "--url", _url, "--token-file", _tokenFile)).Stdout;

    /// <summary>The PID column of the sleeper's running line (NODE PROC STATE PID ...); 0 when it is not running.</summary>
    private static int PidIn(IReadOnlyList<string> ps) =>
        ps.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length > 3 && c[1] == "sleeper" && c[2] == "running")
            .Select(c => int.TryParse(c[3], out var pid) ? pid : 0)
            .FirstOrDefault();

    private static async Task<(int Code, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> Ctl(params string[] args)
    {
        using var ctl = ChorusProcess.Start("chorus-aggregator", ["ctl", .. args]);
        var code = await ctl.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, ctl.Stdout.ToList(), ctl.Stderr.ToList());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task DisposeAsync()
    {
        _aggregator.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
