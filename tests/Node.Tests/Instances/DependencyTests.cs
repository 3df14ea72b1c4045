using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Instances;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Instances;

/// <summary>Dependencies and readiness with real processes: a dependent starts only once what it waits for holds.</summary>
public sealed class DependencyTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("node.conf"))
{
    [Fact]
    public async Task A_dependent_starts_only_after_its_dependency_logged_that_it_is_ready()
    {
        var node = RunningNode.Start(this, "",
            new ProcessSpec("db", "echo starting; sleep 0.5; echo accepting connections; sleep 30", "test")
            {
                Readiness = new ReadinessCheck(ReadinessKind.Log, "accepting conn", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
            },
            new ProcessSpec("api", "sleep 30", "test") { DependsOn = [new Dependency("db", null, DependencyCondition.Ready)] });

        var waiting = await node.Next<InstanceActor.ProcessWaiting>();
        var apiStarted = await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "api");

        Assert.Equal(new InstanceActor.ProcessWaiting("api", "db ready"), waiting);
        var seen = node.Seen.ToList();
        var ready = seen.FindIndex(m => m is InstanceActor.ProcessReady { Process: "db" });
        var dbLine = seen.FindIndex(m => m is ProcessActor.LinesRead r && r.Lines.Texts().Contains("accepting connections"));
        Assert.True(ready >= 0 && dbLine >= 0 && dbLine < ready && ready < seen.IndexOf(apiStarted), string.Join("\n", seen));
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_dependent_starts_only_once_its_dependency_accepts_tcp_connections()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // The "database" opens its port a second after it starts: until then the dependent waits.
        var node = RunningNode.Start(this, "",
            new ProcessSpec("db", $"sleep 1; exec python3 -c 'import socket,time; s=socket.socket(); s.bind((\"127.0.0.1\", {port})); s.listen(); time.sleep(30)'", "test")
            {
                Readiness = new ReadinessCheck(ReadinessKind.Tcp, $"127.0.0.1:{port}", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20)),
            },
            new ProcessSpec("api", "sleep 30", "test") { DependsOn = [new Dependency("db", null, DependencyCondition.Ready)] });

        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "db");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await node.Next<InstanceActor.ProcessReady>(r => r.Process == "db");
        var readyAfter = clock.Elapsed;
        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "api");

        Assert.True(readyAfter >= TimeSpan.FromMilliseconds(800), $"ready {readyAfter.TotalMilliseconds} ms after the start, before the port was open");
        Assert.DoesNotContain(node.Seen.TakeWhile(m => m is not InstanceActor.ProcessReady), m => m is ProcessActor.ProcessStarted { Process: "api" });
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_readiness_command_runs_in_the_process_s_own_environment()
    {
        var node = RunningNode.Start(this, "",
            new ProcessSpec("db", "sleep 30", "test")
            {
                Readiness = new ReadinessCheck(ReadinessKind.Command, "test \"$CHORUS_PROCESS\" = db && test \"$PORT\" = 5000",
                    TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20)),
            });

        Assert.Equal("db", (await node.Next<InstanceActor.ProcessReady>()).Process);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_waiting_process_shows_what_it_waits_for_in_the_table_and_starts_once_the_other_node_says_it_holds()
    {
        var node = RunningNode.Start(this, "",
            new ProcessSpec("api", "sleep 30", "test") { DependsOn = [new Dependency("db", "n1", DependencyCondition.Started)] });

        var table = await node.Table(t => t.Count == 1);
        Assert.Equal(ProcessState.Waiting, table[0].State);
        Assert.Equal(["db@n1 started"], table[0].WaitingFor);

        var db = table[0] with { Name = "db", Base = "db", State = ProcessState.Running, Pid = 42, StartedAt = DateTime.UtcNow, WaitingFor = [] };
        node.Uplink.Send(node.Node, new UplinkActor.RemoteProcessesChanged([new NodeProcess("n1", db)]));

        await node.Next<ProcessActor.ProcessStarted>(s => s.Process == "api");
        var running = await node.Table(t => t[0].State == ProcessState.Running);
        Assert.Empty(running[0].WaitingFor);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_dependency_on_no_node_gives_the_waiting_process_up_after_dependency_wait_and_the_rest_keeps_running()
    {
        var node = RunningNode.Start(this, "chorus.node.dependency-wait = 300ms",
            new ProcessSpec("api", "sleep 30", "test") { DependsOn = [new Dependency("db", "n9", DependencyCondition.Ready)] },
            new ProcessSpec("web", "sleep 30", "test"));

        var givenUp = await node.Next<InstanceActor.ProcessGivenUp>();

        Assert.Equal("api", givenUp.Process);
        Assert.Contains("db@n9 ready", givenUp.Reason);
        Assert.Contains("dependency-wait", givenUp.Reason);
        var table = await node.Table(t => t.Any(p => p.Name == "api" && p.State == ProcessState.GivenUp));
        Assert.Equal(ProcessState.Running, table.Single(p => p.Name == "web").State);
        node.Node.Tell(new NodeActor.KillProcesses(), TestActor);
    }

    [Fact]
    public async Task A_local_dependency_that_ended_for_good_without_holding_gives_the_waiting_process_up_and_the_node_ends()
    {
        // A failed one-shot migration: api would wait for it for good, and hold the node up with nothing running.
        var node = RunningNode.Start(this, "",
            new ProcessSpec("migrate", "exit 4", "test"),
            new ProcessSpec("api", "sleep 30", "test") { DependsOn = [new Dependency("migrate", null, DependencyCondition.CompletedSuccessfully)] });

        var givenUp = await node.Next<InstanceActor.ProcessGivenUp>();

        Assert.Equal("api", givenUp.Process);
        Assert.StartsWith("migrate completed-successfully: ended for good", givenUp.Reason);
        Assert.Equal(4, await node.Exited());
    }

    [Fact]
    public async Task A_readiness_that_never_holds_stops_the_run_and_gives_a_process_without_restarts_up()
    {
        var node = RunningNode.Start(this, "",
            new ProcessSpec("db", "sleep 30", "test")
            {
                Readiness = new ReadinessCheck(ReadinessKind.Log, "never printed", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300)),
            });

        var givenUp = await node.Next<InstanceActor.ProcessGivenUp>();

        Assert.StartsWith("not ready within 0.3 s", givenUp.Reason);
        Assert.Equal(Signals.Term, node.Seen.OfType<ProcessActor.ProcessExited>().Single().Signal);
    }
}
