using Chorus.Tests.Support;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Processes;

public sealed class ChildProcessTests
{
    [Fact]
    public async Task A_signal_sent_the_moment_the_child_starts_is_not_lost()
    {
        // Right after start, setsid may not yet have made the child's process group; a stop sent then
        // must still end the command rather than leave it running.
        for (var i = 0; i < 20; i++)
        {
            using var child = ChildProcess.Start(new ProcessSpec("p", "sleep 60", "test"), new Dictionary<string, string>());

            child.SignalGroup(Signals.Term);

            var exit = await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal((null, Signals.Term), exit);
        }
    }

    [Fact]
    public async Task A_group_counts_as_gone_once_its_members_are_dead_though_unreaped()
    {
        // The background sleep, orphaned by the kill, is a zombie until PID 1 reaps it, which some never do.
        using var child = ChildProcess.Start(new ProcessSpec("p", "sleep 60 & exec sleep 60", "test"), new Dictionary<string, string>());
        await Eventually.True(child.GroupAlive, TimeSpan.FromSeconds(10));

        child.SignalGroup(Signals.Kill);
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await Eventually.True(() => !child.GroupAlive(), TimeSpan.FromSeconds(5));
    }
}
