using System.Runtime.Serialization;
using System.Text;
using Chorus.Hosting;
using Chorus.Messages.Serialization;

namespace Chorus.Messages.Tests;

/// <summary>A batch's records as columns (<see cref="RecordBlock"/>): the same records as before, the same bytes on the wire.</summary>
public sealed class RecordBlockTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("wire.conf"))
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, 123, 456, DateTimeKind.Utc);

    // Lines and every event a node sends, mixed, from three processes, with and without continued and after-exit.
    private static readonly NodeRecord[] Mixed =
    [
        NodeRecord.Started("web", 4242, T0),
        NodeRecord.Line("web", OutputStream.Stdout, 1, T0.AddTicks(1), Utf8("hello"), continued: false),
        NodeRecord.Line("worker", OutputStream.Stderr, 1, T0.AddSeconds(1), Utf8("ünïcode \e[31mred"), continued: true, afterExit: true),
        NodeRecord.Gap("worker", 120, "spool-full", T0.AddSeconds(2)),
        NodeRecord.Gap(null, 3, "buffer-full", T0.AddSeconds(2)),
        NodeRecord.Line("db", OutputStream.Stdout, 300, T0.AddSeconds(1.5), Utf8(""), continued: false, afterExit: true),
        NodeRecord.Ready("db", T0.AddSeconds(2)),
        NodeRecord.Restarting("web", 2, 1500, T0.AddSeconds(3)),
        NodeRecord.GivenUp("web", "too many restarts", T0.AddSeconds(3)),
        NodeRecord.Scaled("web", 4, T0.AddSeconds(3)),
        NodeRecord.Waiting("db", "cache ready", T0.AddSeconds(3)),
        NodeRecord.Line("web", OutputStream.Stderr, 2, T0.AddSeconds(4), Utf8("bye"), continued: false),
        NodeRecord.Exited("web", null, 9, T0.AddSeconds(5)),
        NodeRecord.Exited("db", 3, null, T0.AddSeconds(5)),
    ];

    // Mixed, as main's NodeRecord[] encoder (6087202, before the columns) wrote it: the layout is unchanged byte for byte.
    private const string MixedAsWrittenBeforeColumns =
        "076E6F64652DC3A44D000000000000000580EDF48C4849DF080773657373696F6E0E010103776562FF9B9C399210000000010200010568656C6C6F000206776F726B6572FED9C409C10112C3BC6EC3AF636F6465201B5B33316D726564030280DAC409780A73706F6F6C2D66756C6C030000030B6275666665722D66756C6C0003026462FFACE20440AC0200060380ADE204070180DAC40902DC0B08010011746F6F206D616E79207265737461727473090100040A03000B6361636865207265616479000180DAC409010203627965020180DAC409000109000000020300010300000000";

    // The same batch as main wrote it into its spool: unnumbered, without a session key.
    private const string MixedSpooledBeforeColumns =
        "076E6F64652DC3A44D000000000000000080EDF48C4849DF08000E010103776562FF9B9C399210000000010200010568656C6C6F000206776F726B6572FED9C409C10112C3BC6EC3AF636F6465201B5B33316D726564030280DAC409780A73706F6F6C2D66756C6C030000030B6275666665722D66756C6C0003026462FFACE20440AC0200060380ADE204070180DAC40902DC0B08010011746F6F206D616E79207265737461727473090100040A03000B6361636865207265616479000180DAC409010203627965020180DAC409000109000000020300010300000000";

    private static LineBatch MixedBatch(IReadOnlyList<NodeRecord> records) => new("node-ä", 77, 5, T0.AddSeconds(6), records, "session");

    [Fact]
    public void A_block_reads_back_the_records_it_was_built_from_lines_and_events_alike()
    {
        var block = Build(Mixed);

        Assert.Equal(Mixed.Length, block.Count);
        AssertSameRecords(Mixed, block);
        Assert.Equal(Mixed.Sum(r => (long)r.Text.Length), block.TextBytes);
        Assert.Equal(Mixed.Select(r => r.Timestamp.Ticks).ToArray(), block.TimestampTicks.ToArray());
    }

    [Fact]
    public void A_block_is_written_byte_for_byte_as_the_records_were_before_the_columns()
    {
        var serializer = Chorus();

        Assert.Equal(MixedAsWrittenBeforeColumns, Convert.ToHexString(serializer.ToBinary(MixedBatch(Build(Mixed)))));
        Assert.Equal(MixedAsWrittenBeforeColumns, Convert.ToHexString(serializer.ToBinary(MixedBatch(Mixed))));
    }

    [Fact]
    public void Bytes_written_before_the_columns_read_back_as_a_block_of_the_same_records_with_texts_in_the_frame()
    {
        var frame = Convert.FromHexString(MixedAsWrittenBeforeColumns);

        var back = Assert.IsType<LineBatch>(Chorus().FromBinary(frame, "B"));

        var block = Assert.IsType<RecordBlock>(back.Records);
        AssertSameRecords(Mixed, block);
        var hello = block[1].Text;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(hello, out var segment));
        Assert.Same(frame, segment.Array);
    }

    // Spooled data survives an upgrade: the spool holds batches as the serializer wrote them.
    [Fact]
    public void A_batch_spooled_before_the_columns_is_read_back_and_sent_again_byte_for_byte()
    {
        var serializer = Chorus();
        var storedBeforeColumns = Convert.FromHexString(MixedSpooledBeforeColumns);

        var stored = serializer.FromStoredBatch(storedBeforeColumns);

        AssertSameRecords(Mixed, stored.Records);
        Assert.Equal(MixedAsWrittenBeforeColumns, Convert.ToHexString(serializer.ToBinary(stored with { Seq = 5, SessionKey = "session" })));
    }

    [Fact]
    public void Continued_and_after_exit_flags_and_the_stream_survive_the_columns_and_the_wire()
    {
        var builder = new RecordBlockBuilder();
        builder.AddLine("svc", OutputStream.Stdout, 1, T0, Utf8("a"), continued: false, afterExit: false);
        builder.AddLine("svc", OutputStream.Stderr, 2, T0, Utf8("b"), continued: true, afterExit: false);
        builder.AddLine("svc", OutputStream.Stdout, 3, T0, Utf8("c"), continued: false, afterExit: true);
        builder.AddLine("svc", OutputStream.Stderr, 4, T0, Utf8("d"), continued: true, afterExit: true);

        var back = RoundTrip(LineBatch.Unsent("n", 1, T0, builder.Build())).Records;

        Assert.Equal([(OutputStream.Stdout, false, false), (OutputStream.Stderr, true, false), (OutputStream.Stdout, false, true), (OutputStream.Stderr, true, true)],
            back.Select(r => (r.Stream, r.Continued, r.AfterExit)));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]             // never valid in UTF-8
    [InlineData(new byte[] { 0x80, 0x41 })]       // starts with a continuation byte
    [InlineData(new byte[] { 0x41, 0xC3 })]       // ends inside a character
    public void A_line_of_invalid_utf8_is_refused_wherever_it_is_in_the_batch(byte[] invalid)
    {
        var builder = new RecordBlockBuilder();
        builder.AddLine("p", OutputStream.Stdout, 1, T0, Utf8("fine"), false, false);
        builder.AddLine("p", OutputStream.Stdout, 2, T0, invalid, false, false);
        builder.AddLine("p", OutputStream.Stdout, 3, T0, Utf8("fine too"), false, false);
        var bytes = Chorus().ToBinary(LineBatch.Unsent("n", 1, T0, builder.Build()));

        var refused = Assert.Throws<SerializationException>(() => Chorus().FromBinary(bytes, "B"));
        Assert.Contains("not valid UTF-8", refused.Message);
    }

    [Fact]
    public void A_stored_batch_keeps_its_wire_bytes_and_is_sent_again_byte_for_byte_under_a_new_number()
    {
        var serializer = Chorus();
        var stored = serializer.FromStoredBatch(serializer.ToBinary(MixedBatch(Build(Mixed)) with { Seq = 0, SessionKey = "" }));

        var block = Assert.IsType<RecordBlock>(stored.Records);
        Assert.False(block.Encoded.IsEmpty);
        Assert.Equal(MixedAsWrittenBeforeColumns, Convert.ToHexString(serializer.ToBinary(stored with { Seq = 5, SessionKey = "session" })));
    }

    [Fact]
    public void A_builder_starts_afresh_after_each_block_and_leaves_the_blocks_it_built_untouched()
    {
        var builder = new RecordBlockBuilder();
        for (var i = 1; i <= 100; i++) builder.AddLine("first", OutputStream.Stdout, i, T0, Utf8($"line {i}"), false, false);
        var first = builder.Build();
        builder.AddLine("second", OutputStream.Stderr, 1, T0.AddSeconds(1), Utf8("other"), false, false);
        var second = builder.Build();

        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"line {i}"), first.Select(r => Encoding.UTF8.GetString(r.Text.Span)));
        Assert.All(first, r => Assert.Equal("first", r.Process));
        var only = Assert.Single(second);
        Assert.Equal(("second", "other"), (only.Process, Encoding.UTF8.GetString(only.Text.Span)));
        Assert.True(builder.IsEmpty);
    }

    [Fact]
    public void A_line_keeps_its_text_after_the_buffer_it_was_read_from_is_reused()
    {
        var builder = new RecordBlockBuilder();
        var reused = Utf8("original");
        builder.AddLine("p", OutputStream.Stdout, 1, T0, reused, false, false);
        reused.AsSpan().Fill((byte)'x');

        Assert.Equal("original", Encoding.UTF8.GetString(builder.Build()[0].Text.Span));
    }

    [Fact]
    public void An_index_outside_the_block_says_how_many_records_it_holds()
    {
        var block = Build(Mixed);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => block[Mixed.Length]);
        Assert.Contains($"holds {Mixed.Length} records", error.Message);
    }

    private static RecordBlock Build(IEnumerable<NodeRecord> records)
    {
        var builder = new RecordBlockBuilder();
        foreach (var record in records) builder.Add(record);
        return builder.Build();
    }

    private static void AssertSameRecords(IReadOnlyList<NodeRecord> expected, IReadOnlyList<NodeRecord> actual)
    {
        Assert.Equal(expected.Select(r => r with { Text = default }), actual.Select(r => r with { Text = default }));
        Assert.Equal(expected.Select(r => r.Text.ToArray()), actual.Select(r => r.Text.ToArray()));
    }

    private ChorusSerializer Chorus() => Assert.IsType<ChorusSerializer>(Sys.Serialization.FindSerializerForType(typeof(LineBatch)));

    private LineBatch RoundTrip(LineBatch batch)
    {
        var serializer = Chorus();
        return Assert.IsType<LineBatch>(serializer.FromBinary(serializer.ToBinary(batch), "B"));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
