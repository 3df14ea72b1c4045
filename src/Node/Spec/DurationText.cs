using System.Globalization;

namespace Chorus.Node.Spec;

/// <summary>
/// A spec's durations as HOCON writes them: a number and a unit, e.g. 500ms, 5s, 1.5m, 2h. A bare number is refused
/// (Akka would take it as milliseconds, where a writer of "5" most likely meant seconds).
/// </summary>
public static class DurationText
{
    public const string Example = "500ms, 5s, 1m or 2h";

    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("milliseconds", 1), ("millisecond", 1), ("millis", 1), ("ms", 1),
        ("seconds", 1000), ("second", 1000), ("s", 1000),
        ("minutes", 60_000), ("minute", 60_000), ("m", 60_000),
        ("hours", 3_600_000), ("hour", 3_600_000), ("h", 3_600_000),
        ("days", 86_400_000), ("day", 86_400_000), ("d", 86_400_000),
    ];

    /// <summary>The duration, or null when the text is not a number (0 or more) followed by a unit.</summary>
    public static TimeSpan? Parse(string text)
    {
        var trimmed = text.Trim();
        var digits = trimmed.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        if (digits == 0 || !double.TryParse(trimmed[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return null;
        var unit = trimmed[digits..].Trim();
        foreach (var (name, milliseconds) in Units)
        {
            if (unit != name) continue;
            var total = number * milliseconds;
            return total <= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.FromMilliseconds(total) : null;
        }
        return null;
    }
}
