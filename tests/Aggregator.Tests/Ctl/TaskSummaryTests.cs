using System.Text.Json;
using Chorus.Aggregator.Ctl;

namespace Chorus.Aggregator.Tests.Ctl;

/// <summary>run's summary of GET /api/tasks/ID: one line for the task, one per node, and the task's exit code.</summary>
public sealed class TaskSummaryTests
{
    [Fact]
    public void Each_node_shows_how_it_ended_and_how_long_it_took()
    {
        var output = new StringWriter();
        var code = TaskSummary.Write(Json("""
            {"id":"t4","state":"finished","exit_code":255,"message":"",
             "nodes":[{"node":"n1","state":"exited","exit_code":0,"duration_ms":12},
                      {"node":"n2","state":"exited","exit_code":null,"signal":9,"duration_ms":2500},
                      {"node":"n3","state":"refused","message":"n3 does not run tasks: start it with --allow-run."},
                      {"node":"n4","state":"down","message":"n4 is down."}]}
            """), output);

        Assert.Equal(255, code);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("t4 finished, exit code 255", lines[0]);
        Assert.Matches(@"^n1\s+exit 0\s+12ms$", lines[1]);
        Assert.Matches(@"^n2\s+signal 9\s+2\.5s$", lines[2]);
        Assert.Matches(@"^n3\s+refused\s+-\s+n3 does not run tasks: start it with --allow-run\.$", lines[3]);
        Assert.Matches(@"^n4\s+down\s+-\s+n4 is down\.$", lines[4]);
    }

    [Fact]
    public void The_tasks_message_follows_its_state_and_a_missing_exit_code_is_255()
    {
        var output = new StringWriter();

        var code = TaskSummary.Write(Json("""{"id":"t2","state":"failed","message":"t1 did not finish with 0: t2 never started.","nodes":[]}"""), output);

        Assert.Equal(255, code);
        Assert.Equal("t2 failed, exit code 255: t1 did not finish with 0: t2 never started." + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void A_cancelled_task_exits_130()
    {
        Assert.Equal(130, TaskSummary.Write(Json("""{"id":"t1","state":"cancelled","exit_code":130,"nodes":[{"node":"n1","state":"cancelled"}]}"""), new StringWriter()));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
