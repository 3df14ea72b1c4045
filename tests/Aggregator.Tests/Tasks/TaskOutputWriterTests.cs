using System.Text;
using Akka.TestKit;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Tasks;

/// <summary>The task log sink's writer: what it keeps and what it tells the queue, from chunks as the merge hands them on.</summary>
public sealed class TaskOutputWriterTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly DateTime At = new(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
    private readonly StateDirectory _state = new();

    [Fact]
    public async Task Task_lines_are_kept_as_copies_and_started_exited_and_node_down_are_told_after_them()
    {
        var store = _state.Open();
        var id = store.Add(new TaskRequest(["uname"], "all", "default", [], null, false, TaskRequest.DefaultFoldWindow), At).Id;
        var queue = CreateTestProbe();
        var writer = new TaskOutputWriter(store, queue.Ref);
        // One buffer for every line of the chunk, as a batch has: overwritten once the chunk is written.
        var shared = Encoding.UTF8.GetBytes("Linux 6.1web line");
        var process = "task-" + id;

        writer.Write([
            // n1's clock is 2 s behind the aggregator's: its times are told on the aggregator's.
            new OutputItem("n1", NodeRecord.Started(process, 42, At), CorrectionTicks: TimeSpan.FromSeconds(2).Ticks),
            new OutputItem("n1", NodeRecord.Line(process, OutputStream.Stdout, 1, At, shared.AsMemory(0, 9), false)),
            new OutputItem("n2", NodeRecord.Line(process, OutputStream.Stdout, 1, At, shared.AsMemory(0, 9), false), FoldedAway: true),
            new OutputItem("n1", NodeRecord.Line("web", OutputStream.Stdout, 1, At, shared.AsMemory(9), false)),
            new OutputItem("n1", NodeRecord.Exited(process, 0, null, At), CorrectionTicks: TimeSpan.FromSeconds(2).Ticks),
            new OutputItem("", NodeRecord.Task(process, "running", null, "", At)),
            new OutputItem("n2", NodeRecord.NodeDown(At)),
        ]);
        Array.Fill(shared, (byte)'X');

        Assert.Equal([("n1", "Linux 6.1"), ("n2", "Linux 6.1")], store.Log(id)!.Select(i => (i.Node, Encoding.UTF8.GetString(i.Record.Text.Span))));
        Assert.Equal(new TaskQueueActor.ProcessStarted("n1", id, At.AddSeconds(2)), await queue.ExpectMsgAsync<TaskQueueActor.ProcessStarted>());
        Assert.Equal(new TaskQueueActor.ProcessExited("n1", id, 0, null, At.AddSeconds(2)), await queue.ExpectMsgAsync<TaskQueueActor.ProcessExited>());
        Assert.Equal(new TaskQueueActor.NodeWentDown("n2"), await queue.ExpectMsgAsync<TaskQueueActor.NodeWentDown>());
        await queue.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    public new void Dispose()
    {
        _state.Dispose();
        base.Dispose();
    }
}
