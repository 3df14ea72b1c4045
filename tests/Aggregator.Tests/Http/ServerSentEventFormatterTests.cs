using System.Buffers;
using System.Text;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Http;

public sealed class ServerSentEventFormatterTests
{
    private static readonly DateTime At = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_item_is_an_id_line_a_data_line_and_a_blank_line()
    {
        var text = Write(new FeedEntry(42, Line("hello")));

        Assert.Equal(
            "id: 42\n" +
            "data: {\"type\":\"line\",\"node\":\"alpha\",\"proc\":\"web\",\"stream\":\"stdout\",\"seq\":7,\"ts\":\"2026-01-01T10:00:00.000000Z\",\"text\":\"hello\"}\n" +
            "\n", text);
    }

    [Fact]
    public void Line_breaks_inside_a_line_stay_escaped_in_its_one_data_line()
    {
        var text = Write(new FeedEntry(1, Line("a\r\nb\rc\nd")));

        Assert.Equal(3, text.Split('\n').Length - 1);
        Assert.Contains("\"text\":\"a\\r\\nb\\rc\\nd\"", text);
    }

    [Fact]
    public void A_gap_notice_has_no_id_so_a_browser_resumes_from_the_last_real_item()
    {
        var text = Write(LiveFeed.Gap(5, "slow-client"));

        Assert.StartsWith("data: {\"type\":\"event\",\"event\":\"gap\",\"count\":5,\"reason\":\"slow-client\"", text);
    }

    private static OutputItem Line(string text) =>
        new("alpha", NodeRecord.Line("web", OutputStream.Stdout, 7, At, Encoding.UTF8.GetBytes(text), continued: false));

    private static string Write(FeedEntry entry)
    {
        var output = new ArrayBufferWriter<byte>();
        new ServerSentEventFormatter().Write(entry, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
