namespace Chorus.Aggregator.Formatting;

/// <summary>
/// Whether stdout gets colours, first answer wins: --no-color; NO_COLOR set (no-color.org); FORCE_COLOR set
/// (colours even into a pipe, e.g. for a pager or a CI log that shows them; FORCE_COLOR=0 or false means none,
/// as in Node.js); else colours only when stdout is a terminal.
/// </summary>
public static class ColorChoice
{
    public static bool Decide(bool noColorFlag, string? noColor, string? forceColor, bool outputRedirected)
    {
        if (noColorFlag || !string.IsNullOrEmpty(noColor)) return false;
        if (!string.IsNullOrEmpty(forceColor)) return forceColor is not ("0" or "false");
        return !outputRedirected;
    }
}
