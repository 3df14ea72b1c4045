using Chorus.Messages.Control;
using Chorus.Node.Processes;
using Chorus.Node.Spec;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

// stdin: input reaches a stdin = true process, and every other case is answered without blocking the actor.
public sealed partial class ProcessActorTests
{
    [Fact]
    public async Task Input_reaches_a_stdin_process_and_comes_back_through_cat()
    {
        var process = Start(new ProcessSpec("repl", "cat", "test") { Stdin = true });
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));

        process.Tell(new ProcessActor.WriteInput("hello cat"), TestActor);

        Assert.Equal(ActionResult.Ok, (await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15))).Outcome);
        Assert.Equal(["hello cat"], (await NextRead()).Lines.Texts());
        process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);
    }

    [Fact]
    public async Task Input_to_a_process_without_stdin_is_answered_closed_with_the_key_to_set()
    {
        var process = Start("sleep 60");
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));

        process.Tell(new ProcessActor.WriteInput("anyone?"), TestActor);

        var answer = await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15));
        Assert.Equal(("p", "stdin-closed"), (answer.Process, answer.Outcome));
        Assert.Contains("stdin = true", answer.Message);
        process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);
    }

    [Fact]
    public async Task Input_to_a_process_that_exited_is_answered_not_running()
    {
        var process = Start(new ProcessSpec("p", "exit 0", "test") { Stdin = true });
        await Collect();

        process.Tell(new ProcessActor.WriteInput("too late"), TestActor);

        Assert.Equal("not-running", (await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15))).Outcome);
    }

    [Fact]
    public async Task Input_to_a_process_that_closed_its_stdin_says_so()
    {
        var process = Start(new ProcessSpec("p", "exec <&-; echo closed; exec sleep 60", "test") { Stdin = true });
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        Assert.Equal(["closed"], (await NextRead()).Lines.Texts());

        process.Tell(new ProcessActor.WriteInput("anyone?"), TestActor);

        var answer = await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15));
        Assert.Equal("stdin-closed", answer.Outcome);
        Assert.Contains("closed its stdin", answer.Message);
        process.Tell(new ProcessActor.SendSignal(Signals.Term), TestActor);
    }

    [Fact]
    public async Task A_child_that_never_reads_gets_stdin_full_beyond_the_bound_and_the_actor_keeps_answering()
    {
        var process = Start(new ProcessSpec("p", "exec sleep 60", "test") { Stdin = true });
        await _uplink.ExpectMsgAsync<ProcessActor.ProcessStarted>(TimeSpan.FromSeconds(15));
        var line = new string('x', 8 * 1024 - 1);

        // The pipe takes 64 KiB (Linux's default): written, and answered so.
        for (var i = 0; i < 8; i++) process.Tell(new ProcessActor.WriteInput(line), TestActor);
        for (var i = 0; i < 8; i++) Assert.Equal(ActionResult.Ok, (await ExpectMsgAsync<ActionResult>(TimeSpan.FromSeconds(15))).Outcome);

        // 64 KiB more may wait unwritten; beyond that a write is refused.
        for (var i = 0; i < 12; i++) process.Tell(new ProcessActor.WriteInput(line), TestActor);

        var full = await FishForMessageAsync<ActionResult>(a => a.Outcome == "stdin-full", TimeSpan.FromSeconds(15));
        Assert.Contains("KiB", full.Message);
        // Still answering at once, though writes wait unanswered behind the full pipe.
        process.Tell(new ProcessActor.WriteInput("x"), TestActor);
        await FishForMessageAsync<ActionResult>(a => a.Outcome == "stdin-full", TimeSpan.FromSeconds(5));

        // Once the process is gone, what waited is answered too: nothing stays unanswered.
        process.Tell(new ProcessActor.SendSignal(Signals.Kill), TestActor);
        await FishForMessageAsync<ActionResult>(a => a.Outcome == "not-running", TimeSpan.FromSeconds(15));
    }
}
