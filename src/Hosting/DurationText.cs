using System.Globalization;

namespace Chorus.Hosting;

/// <summary>
/// Durations as HOCON writes them, the one notation of a spec's keys, run's --timeout and the task API: a number and a
/// unit, e.g. 500ms, 5s, 1.5m, 2h. A bare number is refused: Akka would take it as milliseconds, where a person who
/// wrote "5" or "--timeout 30" most likely meant seconds.
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

    /// <summary>The duration <paramref name="text"/> means, more than zero and at most a year; else a <see cref="UsageException"/> that names <paramref name="field"/>.</summary>
    public static TimeSpan Parse(string text, string field)
    {
        var example = $"Give a duration with its unit, such as {field} 30s, {field} 5m or {field} 1h.";
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || char.IsAsciiDigit(trimmed[^1]))
            throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" has no unit. {example}");
        var duration = Parse(text) ?? throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" is not a duration. {example}");
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(365))
            throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" must be more than zero and at most a year. {example}");
        return duration;
    }
}
