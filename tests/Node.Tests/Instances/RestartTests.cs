using System.Diagnostics;
using Chorus.Hosting;
using Chorus.Node.Instances;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Instances;

/// <summary>Restart policies with real processes: the waits between runs, the cap, and giving up.</summary>
public sealed class RestartTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("node.conf"))
{
    private static readonly RestartBackoff NoJitter = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), 2.0, 0);

    [Fact]
    public async Task A_failing_process_restarts_after_growing_waits_up_to_the_cap_then_is_given_up()
    {
        var node = RunningNode.Start(this, "", new ProcessSpec("crash", "exit 4", "test")
        {
            Restart = RestartPolicy.OnFailure, Backoff = NoJitter, MaxRestarts = 3,
        });

        var restarts = new List<(InstanceActor.ProcessRestarting Event, TimeSpan Waited)>();
        for (var i = 0; i < 3; i++)
        {
            var restarting = await node.Next<InstanceActor.ProcessRestarting>();
            var clock = Stopwatch.StartNew();
            await node.Next<ProcessActor.ProcessStarted>();
            restarts.Add((restarting, clock.Elapsed));
        }
        var givenUp = await node.Next<InstanceActor.ProcessGivenUp>();

        Assert.Equal([(1, 300), (2, 600), (3, 600)], restarts.Select(r => (r.Event.Attempt, r.Event.DelayMs)));
        Assert.All(restarts, r => Assert.True(r.Waited >= TimeSpan.FromMilliseconds(r.Event.DelayMs * 0.9),
            $"restart {r.Event.Attempt} came {r.Waited.TotalMilliseconds} ms after its restarting event, not {r.Event.DelayMs}"));
        Assert.Equal("4 restarts within 60 s (max-restarts = 3)", givenUp.Reason);
        Assert.Equal(4, await node.Exited());
    }

    [Theory]
    [InlineData(RestartPolicy.No, "exit 3", false)]
    [InlineData(RestartPolicy.OnFailure, "exit 0", false)]
    [InlineData(RestartPolicy.OnFailure, "exit 3", true)]
    [InlineData(RestartPolicy.Always, "exit 0", true)]
    public async Task The_restart_policy_decides_which_exits_are_restarted(RestartPolicy policy, string command, bool restarted)
    {
        var node = RunningNode.Start(this, "", new ProcessSpec("p", command, "test") { Restart = policy, Backoff = NoJitter, MaxRestarts = 1 });

        // Restarted or not, it ends: given up after its one restart, or exited.
        await node.Exited();

        Assert.Equal(restarted, node.Seen.Any(m => m is InstanceActor.ProcessRestarting));
    }

    [Fact]
    public async Task A_run_that_leaves_a_background_process_holding_its_output_is_restarted_and_what_it_left_is_ended()
    {
        var pids = Path.GetTempFileName();
        try
        {
            // The leader exits at once; the sleep it started holds stdout (the pipes stay open) in its group.
            var node = RunningNode.Start(this, "", new ProcessSpec("leaver", $"sleep 300 & echo $! >> '{pids}'; exit 3", "test")
            {
                Restart = RestartPolicy.OnFailure, Backoff = NoJitter, MaxRestarts = 1,
            });

            await node.Next<InstanceActor.ProcessRestarting>();
            var firstSleep = int.Parse(File.ReadAllLines(pids)[0]);
            Assert.False(ProcessGroupMembers.Alive(firstSleep), $"the first run's background sleep (pid {firstSleep}) still runs after the restart was decided");
            Assert.Equal(3, await node.Exited());
        }
        finally
        {
            File.Delete(pids);
        }
    }
}
