using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Chorus.Tests.Support;
using Xunit.Abstractions;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// README's two-node stack (examples/n1.conf, examples/n2.conf) with the real executables: the API on n2 starts
/// only once the database stand-in on n1 is ready, `ctl restart group:workers` restarts both workers, and a line
/// typed through /attach reaches the Python REPL and its answer comes back in the stream.
/// </summary>
public sealed class StackExampleTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-stack-").FullName;

    [Fact]
    public async Task The_readme_stack_waits_restarts_a_group_and_takes_input_through_attach()
    {
        var (aggregator, join, http) = await ChorusProcess.StartAggregatorAsync("--name", "n1", "--spec", Example("n1.conf"), "--format", "json");
        using var _ = aggregator;
        // The example's API listens on 8000; here on a free port, so the test never meets another's server.
        var n2 = Write("n2.conf", File.ReadAllText(Example("n2.conf")).Replace("8000", FreePort().ToString()));
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n2", "--listen", "127.0.0.1:0", "--spec", n2);

        // The API waits for db@n1 ready, and is ready itself (its http readiness) after that.
        await aggregator.WaitForStdoutAsync(l => Is(l, "ready", "n2", "api"), Wait);
        var events = aggregator.Stdout.Select(Parse).ToList();
        var dbReady = events.FindIndex(e => Is(e, "ready", "n1", "db"));
        var apiWaiting = events.FindIndex(e => Is(e, "waiting", "n2", "api"));
        var apiStarted = events.FindIndex(e => Is(e, "started", "n2", "api"));
        // n2 may join after db is already ready: then it waits only until the aggregator tells it so.
        Assert.True(apiWaiting >= 0 && dbReady >= 0 && apiStarted > Math.Max(dbReady, apiWaiting),
            $"waiting at {apiWaiting}, db ready at {dbReady}, api started at {apiStarted}");
        Assert.Contains("db@n1", events[apiWaiting].GetProperty("for").GetString());

        // Both workers restarted by group, from the CLI: each gets a second "started".
        await aggregator.WaitForStdoutAsync(l => Is(l, "started", "n2", "worker.2"), Wait);
        using (var ctl = ChorusProcess.Start("chorus-aggregator", "ctl", "restart", "group:workers", "--url", http.ToString()))
        {
            Assert.Equal(0, await ctl.WaitForExitAsync(Wait));
            Assert.Equal(["worker.1", "worker.2"], ctl.Stdout.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order());
        }
        foreach (var worker in new[] { "worker.1", "worker.2" })
            await Eventually.True(() => aggregator.Stdout.Count(l => Is(l, "started", "n2", worker)) >= 2, Wait);

        // Typed into the REPL through /attach, answered in the stream (and on the attached socket).
        await using var attach = await WebSocketRecorder.ConnectAsync(http, "/attach?select=repl");
        await attach.SendAsync("print(6*7)");
        await aggregator.WaitForStdoutAsync(l => IsLine(l, "n1", "repl", "42"), Wait);
        await Eventually.True(() => attach.Frames.Any(f => IsLine(f, "n1", "repl", "42")), Wait);

        await StopNodeThenAggregatorAsync(node, aggregator);
    }

    [Fact]
    public async Task A_process_on_one_node_starts_only_after_a_log_line_of_a_process_on_another()
    {
        var trigger = Path.Combine(_directory, "go");
        var n1 = Write("a.conf", $$"""
            processes.db {
              command = "while [ ! -e '{{trigger}}' ]; do sleep 0.1; done; echo 'db is ready'; exec sleep 300"
              readiness.log = "is ready$"
            }
            """);
        var n2 = Write("b.conf", """
            processes.api {
              command = "echo 'api started'; exec sleep 300"
              depends-on = [ { process = "db@n1", condition = ready } ]
            }
            """);
        var (aggregator, join, _) = await ChorusProcess.StartAggregatorAsync("--name", "n1", "--spec", n1, "--format", "json");
        using var _ = aggregator;
        using var node = ChorusProcess.Start("chorus-node", "--aggregator", join, "--name", "n2", "--listen", "127.0.0.1:0", "--spec", n2);

        // Joined and waiting, and still waiting a while later: nothing of api has run.
        await aggregator.WaitForStdoutAsync(l => Is(l, "waiting", "n2", "api"), Wait);
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing to wait for: the promise is that nothing happens
        Assert.DoesNotContain(aggregator.Stdout, l => Is(l, "started", "n2", "api"));

        File.WriteAllText(trigger, "");
        await aggregator.WaitForStdoutAsync(l => IsLine(l, "n2", "api", "api started"), Wait);
        var records = aggregator.Stdout.ToList();
        var dbReady = records.FindIndex(l => IsLine(l, "n1", "db", "db is ready"));
        var apiStarted = records.FindIndex(l => Is(l, "started", "n2", "api"));
        Assert.True(dbReady >= 0 && dbReady < apiStarted, $"db's line at {dbReady}, api started at {apiStarted}:\n{string.Join('\n', records)}");
        output.WriteLine($"api started {Stamp(records[apiStarted]) - Stamp(records[dbReady])} after db's line (stamps corrected onto the aggregator's clock)");

        await StopNodeThenAggregatorAsync(node, aggregator);
    }

    /// <summary>
    /// The node first, then the aggregator, each exiting 0. Stopping, the node reports its processes' exits and
    /// waits for the aggregator to acknowledge them; signalled together, the aggregator could be gone before it
    /// answered (more likely under load), and the node then rightly exits 3, its last events not acknowledged.
    /// </summary>
    private static async Task StopNodeThenAggregatorAsync(ChorusProcess node, ChorusProcess aggregator)
    {
        node.Signal(15);
        var nodeExit = await node.WaitForExitAsync(Wait);
        Assert.True(nodeExit == 0, $"the node exited {nodeExit}; it said:\n{string.Join('\n', node.Stderr)}");
        aggregator.Signal(15);
        var aggregatorExit = await aggregator.WaitForExitAsync(Wait);
        Assert.True(aggregatorExit == 0, $"the aggregator exited {aggregatorExit}; it said:\n{string.Join('\n', aggregator.Stderr)}");
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Example(string name) => Path.Combine(Executables.RepositoryRoot, "examples", name);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement;

    private static DateTimeOffset Stamp(string line) => Parse(line).GetProperty("ts").GetDateTimeOffset();

    private static bool Is(string line, string @event, string node, string proc) => line.StartsWith('{') && Is(Parse(line), @event, node, proc);

    private static bool Is(JsonElement record, string @event, string node, string proc) =>
        record.TryGetProperty("event", out var e) && e.GetString() == @event
        && record.GetProperty("node").GetString() == node
        && record.TryGetProperty("proc", out var p) && p.GetString() == proc;

    private static bool IsLine(string line, string node, string proc, string text)
    {
        if (!line.StartsWith('{')) return false;
        var record = Parse(line);
        return record.GetProperty("type").GetString() == "line" && record.GetProperty("node").GetString() == node
               && record.GetProperty("proc").GetString() == proc && record.GetProperty("text").GetString() == text;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
