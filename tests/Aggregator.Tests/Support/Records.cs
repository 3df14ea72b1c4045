using System.Text;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>Short ways to write records in tests; times are milliseconds after a fixed instant.</summary>
public static class Records
{
    public static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    public static DateTime At(int ms) => T0.AddMilliseconds(ms);

    public static NodeRecord Line(string proc, long seq, int ms, string text = "", OutputStream stream = OutputStream.Stdout) =>
        NodeRecord.Line(proc, stream, seq, At(ms), Encoding.UTF8.GetBytes(text), continued: false);

    public static string Text(this NodeRecord record) => Encoding.UTF8.GetString(record.Text.Span);
}
