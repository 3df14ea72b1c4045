using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("plain text, ünïcode and \\ backslashes", "plain text, ünïcode and \\ backslashes")]
    [InlineData("\u001b[31mred\u001b[0m", @"\u001B[31mred\u001B[0m")]
    [InlineData("one\ntwo\r\nthree\tfour", @"one\ntwo\r\nthree\tfour")]
    [InlineData("nul\0 del\u007f c1\u009b", @"nul\u0000 del\u007F c1\u009B")]
    [InlineData("bidi \u202eevil\u202c line\u2028sep", @"bidi \u202Eevil\u202C line\u2028sep")]
    public void Control_and_invisible_characters_become_visible_escapes(string text, string printed)
    {
        Assert.Equal(printed, PrintableText.Escape(text));
    }
}
