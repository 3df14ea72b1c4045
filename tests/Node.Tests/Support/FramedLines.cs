using System.Text;
using System.Text.Unicode;
using Chorus.Node.Processes;

namespace Chorus.Node.Tests.Support;

/// <summary>Turns framed lines into values that xunit compares and prints readably.</summary>
public static class FramedLines
{
    public static string Text(this FramedLine line)
    {
        Assert.True(Utf8.IsValid(line.Text.Span), "every framed line is valid UTF-8");
        return Encoding.UTF8.GetString(line.Text.Span);
    }

    public static string[] Texts(this IEnumerable<FramedLine> lines) => lines.Select(Text).ToArray();

    /// <summary>Each line's bytes and flag, for comparing framings byte for byte.</summary>
    public static (string Hex, bool Continued)[] Exactly(this IEnumerable<FramedLine> lines) =>
        lines.Select(line => (Convert.ToHexString(line.Text.Span), line.Continued)).ToArray();

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Whole lines (none continued), as a pipe reader hands them to the uplink.</summary>
    public static FramedLine[] Whole(params string[] texts) => texts.Select(text => new FramedLine(Bytes(text), false)).ToArray();
}
