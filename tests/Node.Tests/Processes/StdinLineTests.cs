using System.Text;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

public sealed class StdinLineTests
{
    [Theory]
    [InlineData("print(1)", "print(1)\n")]
    [InlineData("already ended\n", "already ended\n")]
    [InlineData("a pasted\nblock", "a pasted\nblock\n")]
    [InlineData("", "\n")]
    [InlineData("grüße", "grüße\n")]
    public void Input_is_the_text_and_one_newline_in_utf8(string text, string written)
    {
        Assert.Equal(written, Encoding.UTF8.GetString(StdinLine.Encode(text)));
    }
}

public sealed class TerminalLinesTests
{
    [Fact]
    public void The_cr_a_terminal_puts_before_each_newline_is_taken_off_only_at_the_end_of_a_line()
    {
        FramedLine Line(string text, bool continued = false) => new(FramedLines.Bytes(text), continued);

        var lines = TerminalLines.WithoutCarriageReturns([Line("plain\r"), Line("a\rprogress bar\r"), Line("cut piece\r", continued: true), Line("\r"), Line("")]);

        Assert.Equal(["plain", "a\rprogress bar", "cut piece\r", "", ""], lines.Texts());
        Assert.True(lines[2].Continued);
    }
}
