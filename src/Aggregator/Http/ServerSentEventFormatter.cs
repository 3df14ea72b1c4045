using System.Buffers;
using System.Buffers.Text;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Sinks;

namespace Chorus.Aggregator.Http;

/// <summary>
/// Writes feed entries in the Server-Sent Events wire format: <c>id: N</c>, <c>data: {json}</c>, a blank
/// line. The JSON is that of <see cref="JsonFormatter"/> on one line: it escapes every line break inside
/// strings, so one data line always carries one whole object. A notice for one client (a gap) carries no
/// id, so a browser goes on resuming from the last item of the feed it saw. One per connection.
/// </summary>
public sealed class ServerSentEventFormatter
{
    private readonly JsonFormatter _json = new(newline: false);

    /// <summary>A comment line: clients ignore it, while proxies and dead connections notice it.</summary>
    public static ReadOnlySpan<byte> KeepAlive => ": keep-alive\n\n"u8;

    public void Write(in FeedEntry entry, IBufferWriter<byte> output)
    {
        if (entry.Id != FeedEntry.NoticeId)
        {
            output.Write("id: "u8);
            Utf8Formatter.TryFormat(entry.Id, output.GetSpan(20), out var digits);
            output.Advance(digits);
            output.Write("\n"u8);
        }
        output.Write("data: "u8);
        _json.Write(entry.Item, output);
        output.Write("\n\n"u8);
    }
}
