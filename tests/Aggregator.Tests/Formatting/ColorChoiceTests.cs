using Chorus.Aggregator.Formatting;

namespace Chorus.Aggregator.Tests.Formatting;

public sealed class ColorChoiceTests
{
    [Theory]
    // The flag wins over everything.
    [InlineData(true, null, "1", false, false)]
    // Then NO_COLOR, even with FORCE_COLOR.
    [InlineData(false, "1", "1", false, false)]
    [InlineData(false, "1", null, false, false)]
    // Then FORCE_COLOR, even into a pipe; 0 and false mean none.
    [InlineData(false, null, "1", true, true)]
    [InlineData(false, "", "3", true, true)]
    [InlineData(false, null, "0", false, false)]
    [InlineData(false, null, "false", false, false)]
    // Then whether stdout is a terminal; empty variables count as unset.
    [InlineData(false, null, null, false, true)]
    [InlineData(false, null, "", true, false)]
    [InlineData(false, "", null, true, false)]
    public void The_first_that_speaks_decides(bool noColorFlag, string? noColor, string? forceColor, bool redirected, bool expected)
    {
        Assert.Equal(expected, ColorChoice.Decide(noColorFlag, noColor, forceColor, redirected));
    }
}
