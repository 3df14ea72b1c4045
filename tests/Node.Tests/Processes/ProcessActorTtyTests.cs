using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

// tty = true: the command sees a terminal, and its lines, exit code and signals are as any other process's.
public sealed partial class ProcessActorTests
{
    [Fact]
    public async Task A_tty_process_sees_a_terminal_and_its_lines_have_no_carriage_return()
    {
        Start(new ProcessSpec("p", "test -t 0 && test -t 1 && echo tty; echo second; exit 3", "test") { Tty = true });

        var (_, lines, exited) = await Collect();

        Assert.Equal(["tty", "second"], lines.Select(l => l.Text));
        Assert.Equal(3, exited.ExitCode);
    }

    [Fact]
    public async Task A_tty_process_has_a_terminal_of_80_columns_and_24_rows_not_0_by_0()
    {
        // Programs that lay out by the terminal's size (tables, progress bars, editors) break on 0 x 0.
        Start(new ProcessSpec("p", "stty size", "test") { Tty = true });

        var (_, lines, exited) = await Collect();

        Assert.Equal(["24 80"], lines.Select(l => l.Text));
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task A_signal_stops_a_tty_process_and_is_reported_as_the_signal()
    {
        var process = Start(new ProcessSpec("p", "echo up; sleep 60 & sleep 60; echo never", "test") { Tty = true });
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        Assert.Equal(["up"], (await NextRead()).Lines.Texts());

        process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);

        var exited = await _uplink.ExpectMsgAsync<ProcessActor.ProcessExited>(TimeSpan.FromSeconds(15));
        Assert.Equal((null, Signals.Term), (exited.ExitCode, exited.Signal));
        await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_signal_sent_the_moment_a_tty_process_starts_still_ends_it_by_that_signal()
    {
        // Right after start, script may not have started the command yet; signalled itself, it would say
        // "Session terminated" and exit 0. The signal must wait for the command instead.
        for (var i = 0; i < 10; i++)
        {
            var process = Start(new ProcessSpec("p", "exec sleep 60", "test") { Tty = true });
            await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));

            process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);

            var (_, lines, exited) = await Collect(started: false);
            Assert.Empty(lines);
            Assert.Equal((null, Signals.Term), (exited.ExitCode, exited.Signal));
            await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task Input_reaches_a_tty_process()
    {
        var process = Start(new ProcessSpec("p", "read line; echo \"got $line\"", "test") { Tty = true, Stdin = true });
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));

        process.Tell(new ProcessActor.WriteInput("hi"), TestActor);

        Assert.Equal(ActionResult.Ok, (await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15))).Outcome);
        var (_, lines, _) = await Collect(started: false);
        // The terminal echoes what it was sent, as a terminal does.
        Assert.Equal(["hi", "got hi"], lines.Select(l => l.Text));
    }
}
