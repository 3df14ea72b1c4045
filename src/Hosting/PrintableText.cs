using System.Globalization;
using System.Text;

namespace Chorus.Hosting;

/// <summary>
/// Makes text safe to print as one line to a terminal: what a peer sends (a node's name, a reason) must not
/// colour, move or clear the operator's screen, or start a line that looks like one of ours. Control
/// characters (ESC starts ANSI sequences; CR and LF start lines), line and paragraph separators and invisible
/// format characters (bidi overrides reorder what is shown) become visible escapes: \n, \r, \t, \u001B.
/// </summary>
public static class PrintableText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) escaped.Append(c);
            else escaped.Append(c switch { '\n' => @"\n", '\r' => @"\r", '\t' => @"\t", _ => $@"\u{(int)c:X4}" });
        }
        return escaped.ToString();
    }

    /// <summary>
    /// What a peer sent, to quote in a message: its first 200 characters, escaped. However long the peer made
    /// it, the message (and the log line, and an answer sent back in one frame) stays short.
    /// </summary>
    public static string Quote(string? text) => Escape(text is { Length: > QuoteLength } ? text[..QuoteLength] : text ?? "");

    private const int QuoteLength = 200;

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
