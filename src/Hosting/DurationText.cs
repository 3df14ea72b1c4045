using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>
/// A duration from the command line or an API body, in HOCON's notation ("30s", "5m", "1h", "250ms"), so it is
/// written as the keys of hocon/*.conf are. A unit is required: HOCON reads a bare number as milliseconds, which a
/// person who wrote "--timeout 30" would not expect.
/// </summary>
public static class DurationText
{
    /// <summary>The duration <paramref name="text"/> means, more than zero; else a <see cref="UsageException"/> that names <paramref name="field"/>.</summary>
    public static TimeSpan Parse(string text, string field)
    {
        var example = $"Give a duration with its unit, such as {field} 30s, {field} 5m or {field} 1h.";
        if (text.Trim().Length == 0 || char.IsAsciiDigit(text.Trim()[^1]))
            throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" has no unit. {example}");
        TimeSpan duration;
        try
        {
            // Quoted, so the text is read as one value and can never add HOCON of its own.
            duration = ConfigurationFactory.ParseString($"duration = {HoconFiles.Quote(text)}").GetTimeSpan("duration", allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or ConfigurationException)
        {
            throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" is not a duration. {example}");
        }
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(365))
            throw new UsageException($"{field} \"{PrintableText.Quote(text)}\" must be more than zero and at most a year. {example}");
        return duration;
    }
}
