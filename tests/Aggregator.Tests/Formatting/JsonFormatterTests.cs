using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Formatting;

public sealed class JsonFormatterTests
{
    private static readonly DateTime Ts = new(2026, 11, 23, 10, 0, 0, 123, 456, DateTimeKind.Utc);

    [Fact]
    public void A_line_is_written_exactly_in_the_documented_schema()
    {
        var line = NodeRecord.Line("web", OutputStream.Stdout, 1, Ts, "hello"u8.ToArray(), continued: false);

        Assert.Equal("""{"type":"line","node":"a","proc":"web","stream":"stdout","seq":1,"ts":"2026-11-23T10:00:00.123456Z","text":"hello"}""" + "\n",
            Format(new OutputItem("a", line)));
    }

    [Fact]
    public void Events_are_written_exactly_in_the_documented_schema()
    {
        Assert.Equal("""{"type":"event","event":"started","node":"a","proc":"web","pid":4242,"ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Started("web", 4242, Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"exited","node":"a","proc":"web","code":0,"signal":null,"ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Exited("web", 0, null, Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"exited","node":"a","proc":"web","code":null,"signal":9,"ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Exited("web", null, 9, Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"gap","node":"a","proc":"web","count":120,"reason":"slow-client","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Gap("web", 120, "slow-client", Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"node-up","node":"a","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", new NodeRecord(RecordKind.NodeUp, null, OutputStream.Stdout, 0, Ts, default))).TrimEnd());
    }

    [Fact]
    public void Process_life_events_are_written_exactly_in_the_documented_schema()
    {
        Assert.Equal("""{"type":"event","event":"ready","node":"a","proc":"db","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Ready("db", Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"restarting","node":"a","proc":"worker.2","attempt":3,"delay_ms":2000,"ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Restarting("worker.2", 3, 2000, Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"given-up","node":"a","proc":"api","reason":"5 restarts within 60 s","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.GivenUp("api", "5 restarts within 60 s", Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"scaled","node":"a","proc":"worker","replicas":3,"ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Scaled("worker", 3, Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"waiting","node":"a","proc":"api","for":"db@n1 ready","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("a", NodeRecord.Waiting("api", "db@n1 ready", Ts))).TrimEnd());
    }

    [Fact]
    public void Task_events_are_written_exactly_in_the_documented_schema_with_a_node_only_when_they_concern_one()
    {
        Assert.Equal("""{"type":"event","event":"task","task":"t1","proc":"task-t1","state":"finished","code":0,"message":"","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("", NodeRecord.Task("task-t1", "finished", 0, "", Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"task","task":"t1","proc":"task-t1","state":"queued","code":null,"message":"","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("", NodeRecord.Task("task-t1", "queued", null, "", Ts))).TrimEnd());
        Assert.Equal("""{"type":"event","event":"task","task":"t1","node":"n1","proc":"task-t1","state":"refused","code":null,"message":"no \"--allow-run\"","ts":"2026-11-23T10:00:00.123456Z"}""",
            Format(new OutputItem("n1", NodeRecord.Task("task-t1", "refused", null, "no \"--allow-run\"", Ts))).TrimEnd());
    }

    [Fact]
    public void A_folded_line_carries_its_nodes_instead_of_a_node()
    {
        var line = NodeRecord.Line("task-t1", OutputStream.Stdout, 1, Ts, "Linux 6.1"u8.ToArray(), continued: false);

        Assert.Equal("""{"type":"line","nodes":["n1","n2","n4"],"proc":"task-t1","stream":"stdout","seq":1,"ts":"2026-11-23T10:00:00.123456Z","text":"Linux 6.1"}""" + "\n",
            Format(new OutputItem("n1", line, FoldedNodes: ["n1", "n2", "n4"])));
        Assert.Equal("""{"type":"line","node":"n1","proc":"task-t1","stream":"stdout","seq":1,"ts":"2026-11-23T10:00:00.123456Z","text":"Linux 6.1"}""" + "\n",
            Format(new OutputItem("n1", line)));
    }

    [Fact]
    public void Every_kind_but_a_line_has_an_event_name()
    {
        foreach (var kind in Enum.GetValues<RecordKind>().Where(k => k != RecordKind.Line))
            Assert.Matches("^[a-z]+(-[a-z]+)?$", JsonFormatter.EventName(kind));
    }

    [Fact]
    public void Cut_and_late_lines_say_so()
    {
        var piece = NodeRecord.Line("web", OutputStream.Stderr, 7, Ts, "x"u8.ToArray(), continued: true);

        using var json = JsonDocument.Parse(Format(new OutputItem("a", piece, Late: true)));

        Assert.True(json.RootElement.GetProperty("continued").GetBoolean());
        Assert.True(json.RootElement.GetProperty("late").GetBoolean());
        Assert.Equal("stderr", json.RootElement.GetProperty("stream").GetString());
    }

    [Fact]
    public void A_line_read_after_its_process_exited_says_so_and_others_do_not()
    {
        var after = NodeRecord.Line("web", OutputStream.Stdout, 2, Ts, "late"u8.ToArray(), continued: false, afterExit: true);
        var before = NodeRecord.Line("web", OutputStream.Stdout, 1, Ts, "first"u8.ToArray(), continued: false);

        Assert.Equal("""{"type":"line","node":"a","proc":"web","stream":"stdout","seq":2,"ts":"2026-11-23T10:00:00.123456Z","text":"late","after_exit":true}""" + "\n",
            Format(new OutputItem("a", after)));
        Assert.DoesNotContain("after_exit", Format(new OutputItem("a", before)));
    }

    [Theory]
    [InlineData("quote \" backslash \\ slash /")]
    [InlineData("nul \0 escape \e[31m tab \t cr \r")]
    [InlineData("<script>alert(1)</script> & ünïcode ✓ 😀")]
    public void Any_text_survives_a_json_round_trip_and_stays_on_one_line(string text)
    {
        var formatted = Format(new OutputItem("a", Line("web", 1, 0, text)));

        Assert.Equal(1, formatted.Count(c => c == '\n'));
        using var json = JsonDocument.Parse(formatted);
        Assert.Equal(text, json.RootElement.GetProperty("text").GetString());
    }

    public static TheoryData<string> Texts()
    {
        var texts = new TheoryData<string> { "", "plain text", "mixed \" and ünïcode ✓ and \u2028 and \u007f", "\ud83d\ude00 <&'+`>" };
        for (var c = 0; c < 128; c++) texts.Add($"a{(char)c}b");
        return texts;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_line_is_written_byte_for_byte_as_utf8_json_writer_writes_it(string text)
    {
        var line = NodeRecord.Line("web", OutputStream.Stdout, 12345, Ts, Encoding.UTF8.GetBytes(text), continued: false);
        var expected = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(expected, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            writer.WriteStringValue(Encoding.UTF8.GetBytes(text));

        Assert.Equal("""{"type":"line","node":"a","proc":"web","stream":"stdout","seq":12345,"ts":"2026-11-23T10:00:00.123456Z","text":""" +
            Encoding.UTF8.GetString(expected.WrittenSpan) + "}\n", Format(new OutputItem("a", line)));
    }

    [Fact]
    public void Timestamps_in_the_same_second_and_across_seconds_are_written_in_full()
    {
        var formatter = new JsonFormatter();
        var buffer = new ArrayBufferWriter<byte>();
        DateTime[] times = [Ts, Ts.AddTicks(1), Ts.AddSeconds(1), Ts.AddDays(40).AddTicks(-Ts.Ticks % TimeSpan.TicksPerSecond), Ts.AddTicks(9)];
        var seq = 0;
        foreach (var time in times)
            formatter.Write(new OutputItem("a", NodeRecord.Line("web", OutputStream.Stdout, ++seq, time, "x"u8.ToArray(), continued: false),
                CorrectionTicks: 7), buffer);

        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).TrimEnd('\n').Split('\n');
        for (var i = 0; i < times.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(Iso(times[i]), json.RootElement.GetProperty("ts").GetString());
            Assert.Equal(Iso(times[i].AddTicks(7)), json.RootElement.GetProperty("corrected_ts").GetString());
        }
    }

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");

    private static string Format(OutputItem item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new JsonFormatter().Write(item, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
