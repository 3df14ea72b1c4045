using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Formatting;

/// <summary>
/// A run written at once is byte for byte what its entries written one by one are, in both formats: stdout and every
/// watcher's frame must not change because the merge hands over runs.
/// </summary>
public sealed class RunFormattingTests
{
    private static readonly NodeRecord[] Records =
    [
        Line("web", 1, 10, "plain"),
        Line("web", 2, 11, "needs \"escaping\" \\ and é", OutputStream.Stderr),
        NodeRecord.Started("worker", 42, At(12)),
        Line("worker", 1, 13, "cut here") with { Continued = true },
        Line("worker", 1, 14, "and the rest") with { AfterExit = true },
        NodeRecord.Exited("worker", 3, null, At(15)),
        Line("web", 3, 16, ""),
    ];

    public static TheoryData<string, bool, long> Runs => new()
    {
        { "text", false, 0 },
        { "text", true, TimeSpan.FromMilliseconds(-5).Ticks },
        { "json", false, 0 },
        { "json", true, TimeSpan.FromMilliseconds(7).Ticks },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_run_is_written_as_its_items_are_one_by_one(string format, bool late, long correction)
    {
        foreach (IReadOnlyList<NodeRecord> records in new IReadOnlyList<NodeRecord>[] { Records, new ReadOnlyCollection<NodeRecord>(Records) })
        {
            // Part of a batch, as the merge releases it: not from its first record, not to its last.
            var run = new OutputRun("n1", records, Start: 1, Count: records.Count - 2, correction, late);
            var itemByItem = new ArrayBufferWriter<byte>();
            var byRun = new ArrayBufferWriter<byte>();
            var one = Formatter(format);
            for (var i = 0; i < run.Count; i++) one.Write(run.Item(i), itemByItem);

            Formatter(format).Write(run, byRun);

            Assert.Equal(Encoding.UTF8.GetString(itemByItem.WrittenSpan), Encoding.UTF8.GetString(byRun.WrittenSpan));
            Assert.Equal(run.Count, Encoding.UTF8.GetString(byRun.WrittenSpan).Count(c => c == '\n'));
        }
    }

    private static IRecordFormatter Formatter(string format) => format == "json" ? new JsonFormatter() : new TextFormatter(color: true);
}
