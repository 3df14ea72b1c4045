using Chorus.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Procfile;
using Chorus.Node.Tests.Support;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Processes;

public sealed partial class ProcessActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _uplink;
    private readonly Akka.TestKit.TestProbe _parent;

    // node.conf configures the pipe readers' dispatcher.
    public ProcessActorTests() : base(HoconFiles.Load("node.conf"))
    {
        _uplink = CreateTestProbe();
        _parent = CreateTestProbe();
        // The parent learns the pid too (its own test below), and of a leader that exited while its group holds
        // the pipes (the instance's restart decides on it); the other tests look at what follows.
        _parent.IgnoreMessages(m => m is ProcessActor.ProcessStarted or ProcessActor.LeaderExited);
    }

    [Fact]
    public async Task The_parent_learns_the_pid_the_uplink_is_told()
    {
        var parent = CreateTestProbe();
        parent.ChildActorOf(ProcessActor.Props(new ProcessSpec("p", "sleep 30", "test"), "p", 0, 1, "node-a", _uplink.Ref, TestNodeSettings.With()));

        var told = await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        Assert.Equal(told, await parent.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15)));
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
        Assert.Equal(new ProcessActor.Finished("p", 0, null, NextSeq: 5), await _parent.ExpectMsgAsync<ProcessActor.Finished>());
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
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>();

        process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);

        var exited = await _uplink.ExpectMsgAsync<ProcessActor.ProcessExited>(TimeSpan.FromSeconds(15));
        Assert.Equal(Signals.Term, exited.Signal);
    }

    [Fact]
    public async Task A_line_written_after_the_leader_exited_follows_exited_marked_then_the_group_is_ended()
    {
        var process = Start("(sleep 1; echo late) & echo first");
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));

        var first = await NextRead();
        var exited = await _uplink.ExpectMsgAsync<ProcessActor.ProcessExited>(TimeSpan.FromSeconds(15));
        var late = await NextRead();

        Assert.Equal(["first"], first.Lines.Texts());
        Assert.False(first.AfterExit);
        Assert.Equal(0, exited.ExitCode);
        Assert.Equal(["late"], late.Lines.Texts());
        Assert.Equal((true, 2L), (late.AfterExit, late.FirstSeq));
        await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
        process.Tell(new ProcessActor.EndGroup(), _parent.Ref);
        await _parent.ExpectMsgAsync<ProcessActor.GroupEnded>(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Exited_follows_every_line_the_leader_wrote_though_the_group_holds_the_pipes_open()
    {
        // seq fills the pipe faster than it is read, so when it exits the last of its lines still wait in the pipe.
        var process = Start("sleep 60 & seq 1 100000");
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        var lines = new List<string>();
        while (true)
        {
            var message = await _uplink.ReceiveOneAsync(TimeSpan.FromSeconds(15));
            if (message is ProcessActor.ProcessExited) break;
            var read = Assert.IsType<ProcessActor.LinesRead>(message);
            Assert.False(read.AfterExit);
            lines.AddRange(read.Lines.Texts());
            _uplink.Reply(ProcessActor.LinesAppended.Instance);
        }

        Assert.Equal(Enumerable.Range(1, 100000).Select(i => i.ToString()), lines);
        // The leader is gone, the group is not: a signal still reaches it, and then the pipes close.
        process.Tell(new ProcessActor.SendSignal(Signals.Kill), TestActor);
        await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_pipe_held_by_a_process_that_left_the_group_does_not_hold_the_process()
    {
        // setsid gives sleep a session of its own: outside the group, holding the pipes.
        var process = Start("setsid sleep 60 & echo $!");
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        var escaped = int.Parse((await NextRead()).Lines.Texts().Single());
        try
        {
            await _uplink.ExpectMsgAsync<ProcessActor.ProcessExited>(TimeSpan.FromSeconds(15));
            await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(5));
            process.Tell(new ProcessActor.EndGroup(), _parent.Ref);
            await _parent.ExpectMsgAsync<ProcessActor.GroupEnded>(TimeSpan.FromSeconds(5));
        }
        finally
        {
            System.Diagnostics.Process.GetProcessById(escaped).Kill();
        }
    }

    [Fact]
    public async Task A_reader_takes_no_more_until_the_uplink_answers_so_a_flood_waits_in_its_pipe()
    {
        var process = Start("exec yes flood");
        var pid = (await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15))).Pid;
        await _uplink.ExpectMsgAsync<ProcessActor.LinesRead>(TimeSpan.FromSeconds(15));
        var reader = _uplink.LastSender;

        // Unanswered: nothing more comes, and the child stops writing (blocked on its full pipe) once the pipe and
        // the few reads the stream holds are full: 320 KiB measured (the 64 KiB pipe and four reads), where the
        // stream's default buffers of 16 took 2 MiB and the unbounded sink before them took everything.
        await Eventually.True(() =>
        {
            var before = BytesWritten(pid);
            Thread.Sleep(300); // a write every few microseconds would show within this
            return BytesWritten(pid) == before;
        }, TimeSpan.FromSeconds(10));
        Assert.InRange(BytesWritten(pid), 1, 512 * 1024);
        _uplink.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        reader.Tell(ProcessActor.LinesAppended.Instance, _uplink.Ref);
        await _uplink.ExpectMsgAsync<ProcessActor.LinesRead>(TimeSpan.FromSeconds(5));
        process.Tell(new ProcessActor.SendSignal(Signals.Kill), TestActor);
    }

    [Fact]
    public async Task The_environment_has_what_foreman_users_expect()
    {
        Start("echo \"$PORT $PYTHONUNBUFFERED $CHORUS_NODE $CHORUS_PROCESS\"");

        var (_, lines, _) = await Collect();

        Assert.Equal("5000 1 node-a p", lines.Single().Text);
    }

    [Fact]
    public async Task Variables_from_environment_files_reach_the_process_but_do_not_rename_it()
    {
        Start(new ProcessSpec("p", "echo \"$GREETING|$PYTHONUNBUFFERED|$PORT|$CHORUS_PROCESS|$HOME\"", "test")
        {
            Environment = new Dictionary<string, string>
            {
                ["GREETING"] = "hello there", ["PYTHONUNBUFFERED"] = "0", ["PORT"] = "80", ["CHORUS_PROCESS"] = "other",
            },
        });

        var (_, lines, _) = await Collect();

        // The node's own environment (HOME) is the base; PORT and the process's name stay foreman's and the node's.
        Assert.Equal($"hello there|0|5000|p|{Environment.GetEnvironmentVariable("HOME")}", lines.Single().Text);
    }

    private async Task<ProcessActor.LinesRead> NextRead()
    {
        var read = await _uplink.ExpectMsgAsync<ProcessActor.LinesRead>(TimeSpan.FromSeconds(15));
        _uplink.Reply(ProcessActor.LinesAppended.Instance);
        return read;
    }

    // What the process has written so far, from the kernel's own count.
    private static long BytesWritten(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/io").First(l => l.StartsWith("wchar:"))["wchar:".Length..]);

    private Akka.Actor.IActorRef Start(string command) => Start(new ProcessSpec("p", command, "test"));

    private Akka.Actor.IActorRef Start(ProcessSpec entry, string? instance = null, int index = 0, long firstSeq = 1) =>
        _parent.ChildActorOf(ProcessActor.Props(entry, instance ?? entry.Name, index, firstSeq, "node-a", _uplink.Ref, TestNodeSettings.With()));

    private async Task<(ProcessActor.ProcessStarted, List<(long Seq, OutputStream Stream, string Text)>, ProcessActor.ProcessExited)> Collect(bool started = true)
    {
        var start = started ? await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15)) : null!;
        var lines = new List<(long, OutputStream, string)>();
        while (true)
        {
            var message = await _uplink.ReceiveOneAsync(TimeSpan.FromSeconds(15));
            switch (message)
            {
                case ProcessActor.LinesRead read:
                    lines.AddRange(read.Lines.Select((l, i) => (read.FirstSeq + i, read.Stream, l.Text())));
                    _uplink.Reply(ProcessActor.LinesAppended.Instance);
                    break;
                case ProcessActor.ProcessExited exited:
                    return (start, lines, exited);
                default:
                    Assert.Fail($"unexpected {message}");
                    break;
            }
        }
    }
}
