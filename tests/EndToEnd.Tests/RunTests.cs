using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// chorus-aggregator run and queue, the real executables, on one real fleet shared by every case: an aggregator,
/// three chorus-node --allow-run (n1, n2, n3), one without it (r1) and one that left (d1). What run prints, live, and
/// every exit code it promises (README, "Run a command on the fleet").
/// </summary>
public sealed class RunTests(RunTests.Fleet fleet) : IClassFixture<RunTests.Fleet>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    // Wider than the default 200 ms: on a loaded machine the three nodes start the command that far apart, and the
    // first line's copies with them. A line still goes out as soon as its last copy is in.
    private const string FoldWindow = "1500";

    [Fact]
    public async Task Fold_shows_the_same_line_of_three_nodes_once_and_a_summary_line_per_node()
    {
        var (code, stdout, _) = await fleet.Cli("run", "--on", "node:n*", "--fold", "--fold-window", FoldWindow, "--", "uname", "-sr");

        Assert.Equal(0, code);
        var uname = Assert.Single(stdout, l => l.StartsWith('['));
        Assert.Equal($"[n1,n2,n3] {Uname()}", uname);
        Assert.Matches(@"^t\d+ finished, exit code 0$", stdout[1]);
        Assert.Equal(["n1", "n2", "n3"], stdout.Skip(2).Select(l => l.Split(' ')[0]));
        Assert.All(stdout.Skip(2), row => Assert.Matches(@"^n\d\s+exit 0\s+\d", row));
    }

    [Fact]
    public async Task Differing_lines_show_per_node_and_the_exit_code_is_the_highest_nodes()
    {
        var (code, stdout, _) = await fleet.Cli("run", "--on", "node:n*", "--fold", "--", "sh", "-c", "echo I am $CHORUS_NODE; exit ${CHORUS_NODE#n}");

        Assert.Equal(3, code);
        Assert.Equal(["[n1] I am n1", "[n2] I am n2", "[n3] I am n3"], stdout.Where(l => l.StartsWith('[')).Order());
        Assert.Contains(stdout, l => l.StartsWith("t") && l.EndsWith("finished, exit code 3"));
        Assert.Contains(stdout, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^n2\s+exit 2\s"));
    }

    [Fact]
    public async Task The_first_folded_line_is_out_while_the_command_still_runs()
    {
        using var run = fleet.Start("run", "--on", "node:n*", "--fold", "--fold-window", FoldWindow, "--", "sh", "-c", "echo first; sleep 4; echo second");

        await run.WaitForStdoutAsync(l => l == "[n1,n2,n3] first", Wait);
        var firstSeen = Stopwatch.StartNew();
        await run.WaitForStdoutAsync(l => l == "[n1,n2,n3] second", Wait);

        // The command sleeps 4 s between its lines: the first was shown live (at most the fold window late), not gathered at the end.
        Assert.True(firstSeen.Elapsed > TimeSpan.FromSeconds(2), $"second line {firstSeen.Elapsed} after the first");
        Assert.Equal(0, await run.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task A_task_that_printed_past_the_backlog_before_the_socket_opened_is_shown_whole_or_said_to_be_cut()
    {
        // 90,000 lines in a fraction of a second: often more than run's backlog (1000) come before its socket opens (a race;
        // TaskFramesTests holds the deterministic case). Either every line is shown or run says the first ones are cut.
        var (code, stdout, stderr) = await fleet.Cli("run", "--on", "node:n*", "--", "seq", "1", "30000");

        Assert.Equal(0, code);
        var shown = stdout.Count(l => l.StartsWith('['));
        var said = stderr.Any(l => l.Contains("its first lines are not shown here") && l.Contains("queue logs"));
        Assert.True(shown == 90000 || said, $"{shown} of 90000 lines shown, and nothing said of the rest: {string.Join(" / ", stderr)}");
    }

    [Fact]
    public async Task A_node_without_allow_run_refuses_and_run_exits_255()
    {
        var (code, stdout, stderr) = await fleet.Cli("run", "--on", "node:r1", "--", "true");

        Assert.Equal(255, code);
        Assert.Matches(@"^r1\s+refused\s+-\s+.*--allow-run", Assert.Single(stdout, l => l.StartsWith("r1")));
        Assert.Contains(stderr, l => l.Contains("r1: refused"));
    }

    [Fact]
    public async Task A_node_down_at_start_is_reported_at_once()
    {
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await fleet.Cli("run", "--on", "node:d1", "--", "true");

        Assert.Equal(255, code);
        Assert.Matches(@"^d1\s+down\b", Assert.Single(stdout, l => l.StartsWith("d1")));
        Assert.Contains(stderr, l => l.Contains("d1: down"));
        // Not waited for: well within control-timeout (10 s), the time a node that is up has to answer.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Ctrl_c_cancels_the_task_leaves_no_process_and_exits_130()
    {
        const string marker = "3017"; // sleep 3017: no other process here sleeps this long
        using var run = fleet.Start("run", "--on", "node:n*", "--", "sleep", marker);
        await Eventually.True(() => Sleepers(marker).Count == 3, Wait);

        run.Signal(2); // SIGINT, as Ctrl-C

        Assert.Equal(130, await run.WaitForExitAsync(Wait));
        Assert.Contains(run.Stdout, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^t\d+ cancelled, exit code 130"));
        await Eventually.True(() => Sleepers(marker).Count == 0, Wait);
    }

    [Fact]
    public async Task A_group_with_parallel_1_runs_its_tasks_one_after_another()
    {
        var (set, setOut, _) = await fleet.Cli("queue", "group", "one-by-one", "--parallel", "1");
        Assert.Equal(0, set);
        Assert.Matches(@"^one-by-one\s+1\b", setOut[1]);

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (code, stdout, _) = await fleet.Cli("run", "--detach", "--group", "one-by-one", "--on", "node:n1", "--", "sh", "-c", $"echo job {i}; sleep 1");
            Assert.Equal(0, code);
            ids.Add(Assert.Single(stdout));
        }
        List<JsonElement> tasks = [];
        await Eventually.True(() => (tasks = fleet.Tasks(ids).Result).All(t => t.GetProperty("state").GetString() == "finished"), Wait);

        for (var i = 1; i < tasks.Count; i++)
            Assert.True(tasks[i].GetProperty("started_at").GetDateTime() >= tasks[i - 1].GetProperty("ended_at").GetDateTime(),
                $"{ids[i]} started before {ids[i - 1]} ended");
        var (listed, list, _) = await fleet.Cli("queue", "list");
        Assert.Equal(0, listed);
        Assert.Contains(list, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^{ids[2]}\s+finished\s+one-by-one\s+sh -c 'echo job 2; sleep 1'\s+n1\s+0\s"));
        var (logged, logs, _) = await fleet.Cli("queue", "logs", ids[1]);
        Assert.Equal(0, logged);
        Assert.Contains(logs, l => l.EndsWith("job 1"));
    }

    [Fact]
    public async Task An_aggregator_that_cannot_be_reached_is_255_and_a_usage_error_2()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // free, and nothing listens there now

        var (unreachable, _, stderr) = await fleet.Cli("run", "--url", $"http://127.0.0.1:{port}", "--", "true");
        var (usage, _, usageErr) = await fleet.Cli("run", "--timeout", "soon", "--", "true");

        Assert.Equal((255, 2), (unreachable, usage));
        Assert.Contains(stderr, l => l.Contains("cannot reach") && l.Contains("--url"));
        Assert.Contains(usageErr, l => l.Contains("--timeout"));
    }

    /// <summary>Live processes running `sleep MARKER`, from /proc.</summary>
    private static List<int> Sleepers(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")) != $"sleep\0{marker}\0") continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z')) continue;
                found.Add(pid);
            }
            catch (IOException)
            {
                // gone while we looked
            }
        }
        return found;
    }

    private static string Uname()
    {
        using var uname = Process.Start(new ProcessStartInfo("uname", "-sr") { RedirectStandardOutput = true })!;
        var text = uname.StandardOutput.ReadToEnd().Trim();
        uname.WaitForExit();
        return text;
    }

    /// <summary>The fleet every case shares: started once, stopped after the last.</summary>
    public sealed class Fleet : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("chorus-run-").FullName;
        private readonly List<ChorusProcess> _processes = [];
        private string _tokenFile = "";
        private Uri _http = null!;

        public async Task InitializeAsync()
        {
            _tokenFile = Path.Combine(_directory, "token");
            await File.WriteAllTextAsync(_tokenFile, "run-tests-token");
            var (aggregator, join, http) = await ChorusProcess.StartAggregatorAsync("--token-file", _tokenFile, "--format", "json");
            _processes.Add(aggregator);
            _http = http;
            foreach (var name in new[] { "n1", "n2", "n3" }) Node(join, name, "--allow-run");
            Node(join, "r1");
            var gone = Node(join, "d1", "--allow-run");
            foreach (var name in new[] { "n1", "n2", "n3", "r1", "d1" })
                await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-up\"") && l.Contains($"\"node\":\"{name}\""), Wait);
            gone.Signal(15); // d1 leaves: down when the tasks start
            await aggregator.WaitForStdoutAsync(l => l.Contains("\"node-down\"") && l.Contains("\"node\":\"d1\""), Wait);
        }

        private ChorusProcess Node(string join, string name, params string[] flags)
        {
            var node = ChorusProcess.Start("chorus-node", ["--aggregator", join, "--name", name, "--listen", "127.0.0.1:0", "--token-file", _tokenFile, .. flags, "--", "sleep", "3600"]);
            _processes.Add(node);
            return node;
        }

        /// <summary>chorus-aggregator with these arguments against the fleet's aggregator (unless they name one), with its token.</summary>
        public ChorusProcess Start(params string[] args)
        {
            string[] access = args.Contains("--url") ? ["--token-file", _tokenFile] : ["--url", _http.ToString(), "--token-file", _tokenFile];
            // Before run's "--": what follows it is the command.
            var end = Array.IndexOf(args, "--") is var dashes and >= 0 ? dashes : args.Length;
            return ChorusProcess.Start("chorus-aggregator", [.. args[..end], .. access, .. args[end..]]);
        }

        public async Task<(int Code, List<string> Stdout, List<string> Stderr)> Cli(params string[] args)
        {
            using var cli = Start(args);
            var code = await cli.WaitForExitAsync(Wait);
            return (code, cli.Stdout.ToList(), cli.Stderr.ToList());
        }

        /// <summary>These tasks as GET /api/tasks shows them, in the order of <paramref name="ids"/>.</summary>
        public async Task<List<JsonElement>> Tasks(IReadOnlyList<string> ids)
        {
            using var http = new HttpClient { BaseAddress = _http };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "run-tests-token");
            using var body = JsonDocument.Parse(await http.GetStringAsync("/api/tasks"));
            var tasks = body.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.Clone()).ToList();
            return ids.Select(id => tasks.Single(t => t.GetProperty("id").GetString() == id)).ToList();
        }

        public Task DisposeAsync()
        {
            foreach (var process in _processes) process.Dispose();
            Directory.Delete(_directory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
