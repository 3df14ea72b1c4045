using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Processes;

public sealed class ProcessActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _uplink;
    private readonly Akka.TestKit.TestProbe _parent;

    // node.conf configures the pipe readers' dispatcher.
    public ProcessActorTests() : base(HoconFiles.Load("node.conf"))
    {
        _uplink = CreateTestProbe();
        _parent = CreateTestProbe();
    }

    [Fact]
    public async Task Both_streams_share_one_counter_and_exited_follows_the_last_line()
    {
        Start("printf 'out 1\\n'; printf 'err 1\\n' >&2; printf 'out 2\\nno newline at the end'");

        var (started, lines, exited) = await Collect();

        Assert.True(started.Pid > 0);
        // Across the two pipes the order is the order the node read them, which the machine's scheduling decides.
        Assert.Equal([1L, 2, 3, 4], lines.Select(l => l.Seq));
        Assert.Equal(["out 1", "out 2", "no newline at the end"], lines.Where(l => l.Stream == OutputStream.Stdout).Select(l => l.Text));
        Assert.Equal(["err 1"], lines.Where(l => l.Stream == OutputStream.Stderr).Select(l => l.Text));
        Assert.Equal((0, (int?)null), (exited.ExitCode, exited.Signal));
        Assert.Equal(new ProcessActor.Finished("p", 0, null), await _parent.ExpectMsgAsync<ProcessActor.Finished>());
    }

    [Fact]
    public async Task The_exit_code_is_reported()
    {
        Start("exit 3");

        var (_, _, exited) = await Collect();

        Assert.Equal(3, exited.ExitCode);
    }

    [Fact]
    public async Task A_signal_reaches_everything_the_command_started_and_is_reported_as_the_signal()
    {
        // The background sleep holds the pipes open: the exit is reported only once it, too, is gone.
        var process = Start("sleep 60 & sleep 60; echo never");
        await _uplink.ExpectMsgAsync<UplinkActor.ProcessStarted>();

        process.Tell(new ProcessActor.SendSignal(ChildProcess.SigTerm), TestActor);

        var exited = await _uplink.ExpectMsgAsync<UplinkActor.ProcessExited>(TimeSpan.FromSeconds(15));
        Assert.Equal(ChildProcess.SigTerm, exited.Signal);
    }

    [Fact]
    public async Task The_environment_has_what_foreman_users_expect()
    {
        Start("echo \"$PORT $PYTHONUNBUFFERED $CHORUS_NODE $CHORUS_PROCESS\"");

        var (_, lines, _) = await Collect();

        Assert.Equal("5000 1 node-a p", lines.Single().Text);
    }

    private Akka.Actor.IActorRef Start(string command) =>
        _parent.ChildActorOf(ProcessActor.Props(new ProcfileEntry("p", command, 1), 0, "node-a", _uplink.Ref, TestNodeSettings.With()));

    private async Task<(UplinkActor.ProcessStarted, List<(long Seq, OutputStream Stream, string Text)>, UplinkActor.ProcessExited)> Collect()
    {
        var started = await _uplink.ExpectMsgAsync<UplinkActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        var lines = new List<(long, OutputStream, string)>();
        while (true)
        {
            var message = await _uplink.ReceiveOneAsync(TimeSpan.FromSeconds(15));
            switch (message)
            {
                case UplinkActor.LinesRead read:
                    lines.AddRange(read.Lines.Select((l, i) => (read.FirstSeq + i, read.Stream, l.Text())));
                    break;
                case UplinkActor.ProcessExited exited:
                    return (started, lines, exited);
                default:
                    Assert.Fail($"unexpected {message}");
                    break;
            }
        }
    }
}
