using Akka.Actor;
using Chorus.Hosting;
using Chorus.Node.Processes;

namespace Chorus.Node.Tests.Processes;

/// <summary>The stream a node runs once before its join (<see cref="PipeReadingWarmUp"/>): it ends, and it never stops a start.</summary>
public class PipeReadingWarmUpTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_the_pipe_reading_stream_to_its_end_with_the_node_config()
    {
        // node.conf configures the pipe readers' dispatcher, as in chorus-node and the embedded default.
        using var system = ActorSystem.Create("warm-up", HoconFiles.Load("node.conf"));

        Assert.True(PipeReadingWarmUp.Run(system, Support.TestNodeSettings.With(), Within));
        await system.Terminate();
    }

    [Fact]
    public async Task A_stream_that_cannot_run_is_reported_as_not_run_rather_than_thrown()
    {
        // No pipe-reader dispatcher: the stream fails where it starts.
        using var system = ActorSystem.Create("warm-up-without-dispatcher");

        Assert.False(PipeReadingWarmUp.Run(system, Support.TestNodeSettings.With(), Within));
        await system.Terminate();
    }
}
