namespace Chorus.Hosting.Tests;

public sealed class NoticeTests
{
    [Theory]
    [InlineData(NoticeLevel.Error, "chorus: error: it broke")]
    [InlineData(NoticeLevel.Warning, "chorus: warning: it broke")]
    [InlineData(NoticeLevel.Notice, "chorus: it broke")]
    [InlineData(NoticeLevel.Debug, "chorus: debug: it broke")]
    public void Every_line_is_chorus_then_its_level_then_the_message(NoticeLevel level, string line)
    {
        Assert.Equal(line, Notice.Line(level, "it broke"));
    }

    [Fact]
    public void The_two_start_up_lines_scripts_read_are_notices_without_a_level()
    {
        Assert.Equal("chorus: nodes join at 127.0.0.1:4053", Notice.Line(NoticeLevel.Notice, "nodes join at 127.0.0.1:4053"));
        Assert.Equal("chorus: watch at http://127.0.0.1:8181/", Notice.Line(NoticeLevel.Notice, "watch at http://127.0.0.1:8181/"));
    }

    [Fact]
    public void What_a_peer_sent_cannot_start_a_line_of_its_own_or_drive_the_terminal()
    {
        Assert.Equal(@"chorus: error: refused: bad\nchorus: joined \u001B[2J", Notice.Line(NoticeLevel.Error, "refused: bad\nchorus: joined \u001b[2J"));
    }
}
