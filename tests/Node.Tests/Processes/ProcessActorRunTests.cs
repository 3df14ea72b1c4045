using Chorus.Node.Processes;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Processes;

// One run of one instance: where it runs, what it is called, where its numbering starts, when its log says ready.
public sealed partial class ProcessActorTests
{
    [Fact]
    public async Task A_process_runs_in_its_working_directory()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-wd-").FullName;
        try
        {
            Start(new ProcessSpec("p", "pwd", "test") { WorkingDirectory = directory });

            var (_, lines, _) = await Collect();

            Assert.Equal(directory, lines.Single().Text);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task A_restarted_run_numbers_its_lines_on_from_first_seq_and_says_where_the_next_starts()
    {
        Start(new ProcessSpec("p", "echo a; echo b >&2", "test"), firstSeq: 41);

        var (_, lines, _) = await Collect();

        Assert.Equal([41L, 42], lines.Select(l => l.Seq).Order());
        Assert.Equal(43, (await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15))).NextSeq);
    }

    [Fact]
    public async Task A_replica_is_named_by_its_instance_and_gets_foremans_port_and_ps()
    {
        Start(new ProcessSpec("web", "echo \"$PORT $PS $CHORUS_PROCESS\"", "test"), instance: "web.3", index: 2);

        var (started, lines, exited) = await Collect();

        Assert.Equal("5202 web.3 web.3", lines.Single().Text);
        Assert.Equal(("web.3", "web.3"), (started.Process, exited.Process));
    }

    [Fact]
    public async Task Log_readiness_is_sent_once_on_the_first_matching_line()
    {
        var ready = new ReadinessCheck(ReadinessKind.Log, "listening on [0-9]+", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Start(new ProcessSpec("db", "echo starting; echo listening on 5432; echo listening on 5433", "test") { Readiness = ready });

        await Collect();

        Assert.Equal(new ProcessActor.LogReady("db"), await _parent.ExpectMsgAsync<ProcessActor.LogReady>(TimeSpan.FromSeconds(15)));
        // Finished is the parent's next message: no second LogReady for the second matching line.
        await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task No_log_readiness_without_a_matching_line()
    {
        var ready = new ReadinessCheck(ReadinessKind.Log, "^ready$", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Start(new ProcessSpec("db", "echo not ready; echo ready soon", "test") { Readiness = ready });

        await Collect();

        await _parent.ExpectMsgAsync<ProcessActor.Finished>(TimeSpan.FromSeconds(15));
    }
}
