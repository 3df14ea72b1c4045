using System.Text;
using Chorus.Messages;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The batch being filled: lines copied into its columns, cut by record count or by bytes of text.</summary>
public sealed class BatchBuilderTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_batch_is_full_at_batch_max_records()
    {
        var builder = new BatchBuilder(maxRecords: 3, maxBytes: 1000);
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(builder.Fits(1));
            builder.AddLine("p", OutputStream.Stdout, i, Now, "x"u8, false, false);
        }

        Assert.False(builder.Fits(0));
        Assert.Equal([1L, 2, 3], builder.Take().Select(r => r.Seq));
        Assert.True(builder.Fits(1));
    }

    [Fact]
    public void A_batch_is_full_at_batch_max_bytes_of_text_events_included()
    {
        var builder = new BatchBuilder(maxRecords: 100, maxBytes: 10);
        builder.AddLine("p", OutputStream.Stdout, 1, Now, "12345"u8, false, false);
        builder.Add(NodeRecord.Gap("p", 2, "r", Now) with { Text = Encoding.UTF8.GetBytes("abc") });

        Assert.True(builder.Fits(2));
        Assert.False(builder.Fits(3));
    }

    [Fact]
    public void An_empty_batch_takes_a_line_longer_than_batch_max_bytes_so_nothing_is_refused()
    {
        var builder = new BatchBuilder(maxRecords: 10, maxBytes: 4);

        Assert.True(builder.Fits(100));
        builder.AddLine("p", OutputStream.Stdout, 1, Now, new byte[100], false, false);
        Assert.False(builder.Fits(1));
        Assert.Equal(100, Assert.Single(builder.Take()).Text.Length);
    }

    [Fact]
    public void Events_keep_their_place_among_the_lines_of_a_batch()
    {
        var builder = new BatchBuilder(maxRecords: 10, maxBytes: 1000);
        builder.Add(NodeRecord.Started("p", 42, Now));
        builder.AddLine("p", OutputStream.Stdout, 1, Now, "up"u8, false, false);
        builder.Add(NodeRecord.Exited("p", 0, null, Now));
        builder.AddLine("p", OutputStream.Stderr, 2, Now, "late"u8, false, afterExit: true);

        var batch = builder.Take();

        Assert.Equal([RecordKind.Started, RecordKind.Line, RecordKind.Exited, RecordKind.Line], batch.Select(r => r.Kind));
        Assert.Equal(42, batch[0].Pid);
        Assert.Equal(0, batch[2].ExitCode);
        Assert.Equal(("late", true), (Encoding.UTF8.GetString(batch[3].Text.Span), batch[3].AfterExit));
    }
}
