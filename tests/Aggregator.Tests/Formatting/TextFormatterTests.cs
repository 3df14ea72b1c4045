using System.Buffers;
using System.Text;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Formatting;

public sealed class TextFormatterTests
{
    private readonly TextFormatter _plain = new(color: false);

    [Fact]
    public void Stdout_lines_read_time_source_bar_text()
    {
        var text = Format(_plain, new OutputItem("a", Line("web", 1, 123, "hello")));

        Assert.Matches(@"^\d\d:\d\d:\d\d\.123 a/web \| hello\n$", text);
    }

    [Fact]
    public void Stderr_lines_are_marked_with_a_bang()
    {
        var text = Format(_plain, new OutputItem("a", Line("web", 1, 0, "oops", OutputStream.Stderr)));

        Assert.EndsWith(" a/web ! oops\n", text);
        Assert.EndsWith("a/web\e[0m \e[1;31m!\e[0m oops\n", Format(new TextFormatter(color: true), new OutputItem("a", Line("web", 1, 0, "oops", OutputStream.Stderr))));
    }

    [Fact]
    public void Sources_are_padded_to_the_widest_seen_so_far()
    {
        Format(_plain, new OutputItem("a", Line("worker", 1, 0, "x")));

        Assert.EndsWith(" a/web    | y\n", Format(_plain, new OutputItem("a", Line("web", 1, 0, "y"))));
    }

    [Fact]
    public void Events_are_described_in_words()
    {
        Assert.EndsWith(" a/web * exited with code 3\n", Format(_plain, new OutputItem("a", NodeRecord.Exited("web", 3, null, At(0)))));
        Assert.EndsWith(" a/web * exited by signal 9\n", Format(_plain, new OutputItem("a", NodeRecord.Exited("web", null, 9, At(0)))));
    }

    [Fact]
    public void Process_life_events_are_described_in_words()
    {
        Assert.EndsWith(" a/db * ready\n", Format(_plain, new OutputItem("a", NodeRecord.Ready("db", At(0)))));
        Assert.EndsWith(" a/db * restarting in 2.0 s (attempt 3)\n", Format(_plain, new OutputItem("a", NodeRecord.Restarting("db", 3, 2000, At(0)))));
        Assert.EndsWith(" a/db * restarting in 1.5 s (attempt 1)\n", Format(_plain, new OutputItem("a", NodeRecord.Restarting("db", 1, 1500, At(0)))));
        Assert.EndsWith(" a/db * given up: 5 restarts within 60 s\n", Format(_plain, new OutputItem("a", NodeRecord.GivenUp("db", "5 restarts within 60 s", At(0)))));
        Assert.EndsWith(" a/db * scaled to 3\n", Format(_plain, new OutputItem("a", NodeRecord.Scaled("db", 3, At(0)))));
        Assert.EndsWith(" a/db * waiting for cache@n1 ready\n", Format(_plain, new OutputItem("a", NodeRecord.Waiting("db", "cache@n1 ready", At(0)))));
    }

    [Fact]
    public void Task_events_read_the_task_its_state_code_and_message_under_the_task_or_its_node()
    {
        Assert.EndsWith(" task-t1 * task t1 finished with code 2\n", Format(_plain, new OutputItem("", NodeRecord.Task("task-t1", "finished", 2, "", At(0)))));
        Assert.EndsWith(" task-t1 * task t1 queued\n", Format(_plain, new OutputItem("", NodeRecord.Task("task-t1", "queued", null, "", At(0)))));
        Assert.EndsWith(" task-t2 * task t2 failed: after t1 failed\n", Format(_plain, new OutputItem("", NodeRecord.Task("task-t2", "failed", null, "after t1 failed", At(0)))));
        Assert.EndsWith(" n1/task-t1 * task t1 refused: node n1 does not run tasks\n",
            Format(_plain, new OutputItem("n1", NodeRecord.Task("task-t1", "refused", null, "node n1 does not run tasks", At(0)))));
    }

    [Fact]
    public void A_folded_line_names_every_node_that_printed_it_in_clustershell_style()
    {
        var folded = new OutputItem("n1", Line("task-t1", 1, 0, "Linux 6.1"), FoldedNodes: ["n1", "n2", "n4"]);

        Assert.EndsWith(" [n1,n2,n4]/task-t1 | Linux 6.1\n", Format(_plain, folded));
        // It does not widen the column: a fold over a hundred nodes would pad every later line to its width.
        Assert.EndsWith(" n1/task-t1 | Linux 6.2\n", Format(_plain, new OutputItem("n1", Line("task-t1", 2, 0, "Linux 6.2"))));
    }

    [Fact]
    public void A_line_read_after_its_process_exited_is_marked()
    {
        var after = NodeRecord.Line("web", OutputStream.Stdout, 2, At(0), "late"u8.ToArray(), continued: false, afterExit: true);

        Assert.EndsWith(" a/web | late (after exit)\n", Format(_plain, new OutputItem("a", after)));
        Assert.DoesNotContain("after exit", Format(_plain, new OutputItem("a", Line("web", 1, 0, "first"))));
    }

    [Fact]
    public void Colour_is_stable_per_source_and_absent_without_colour()
    {
        var first = Format(new TextFormatter(color: true), new OutputItem("a", Line("web", 1, 0, "x")));
        var again = Format(new TextFormatter(color: true), new OutputItem("a", Line("web", 2, 0, "x")));

        Assert.Contains(SourceColors.For("a/web") + "a/web\e[0m", first);
        Assert.Equal(first[12..], again[12..]);
        Assert.DoesNotContain("\e[", Format(_plain, new OutputItem("a", Line("web", 1, 0, "x"))));
    }

    [Fact]
    public void Times_in_the_same_second_and_across_seconds_read_in_full_local_time()
    {
        var start = new DateTime(2026, 11, 23, 10, 0, 0, 7, DateTimeKind.Utc);
        DateTime[] times = [start, start.AddMilliseconds(993), start.AddSeconds(1), start.AddHours(5).AddMilliseconds(-7), start.AddMilliseconds(40)];

        foreach (var time in times)
            Assert.StartsWith(time.ToLocalTime().ToString("HH:mm:ss.fff") + " ",
                Format(_plain, new OutputItem("a", NodeRecord.Line("web", OutputStream.Stdout, 1, time, "x"u8.ToArray(), continued: false))));
    }

    private static string Format(TextFormatter formatter, OutputItem item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        formatter.Write(item, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
