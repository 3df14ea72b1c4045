using System.Text.Json;
using Chorus.Aggregator.Ctl;

namespace Chorus.Aggregator.Tests.Ctl;

/// <summary>queue list's columns from GET /api/tasks.</summary>
public sealed class TaskListTests
{
    [Fact]
    public void Each_task_is_a_row_of_id_state_group_command_as_sh_reads_it_nodes_exit_code_and_age()
    {
        var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var output = new StringWriter();

        TaskList.Write(JsonDocument.Parse("""
            {"tasks":[
              {"id":"t1","state":"finished","group":"default","command":["uname","-sr"],"exit_code":0,"queued_at":"2026-01-01T11:58:30.000Z",
               "nodes":[{"node":"n1"},{"node":"n2"}]},
              {"id":"t2","state":"queued","group":"deploys","command":["sh","-c","sleep 3"],"exit_code":null,"queued_at":"2026-01-01T11:59:55.000Z","nodes":[]}]}
            """).RootElement, now, output);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^ID\s+STATE\s+GROUP\s+COMMAND\s+NODES\s+EXIT\s+AGE$", lines[0]);
        Assert.Matches(@"^t1\s+finished\s+default\s+uname -sr\s+n1,n2\s+0\s+1m30s$", lines[1]);
        Assert.Matches(@"^t2\s+queued\s+deploys\s+sh -c 'sleep 3'\s+-\s+-\s+5s$", lines[2]);
        // Columns line up: every row's COMMAND starts where the header's does.
        Assert.Equal(lines[0].IndexOf("COMMAND"), lines[2].IndexOf("sh -c"));
    }
}
