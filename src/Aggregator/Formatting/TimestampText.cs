namespace Chorus.Aggregator.Formatting;

/// <summary>
/// Timestamps written straight as UTF-8 digits: formatting runs once per line per sink, so it avoids the
/// culture-aware, allocating paths of DateTime.ToString.
/// </summary>
public static class TimestampText
{
    public const int IsoLength = 27;   // 2026-11-23T10:00:00.123456Z
    public const int ClockLength = 12; // 10:00:00.123

    /// <summary>ISO 8601 UTC with microseconds, as in the JSON schema.</summary>
    public static void WriteIso(DateTime utc, Span<byte> into)
    {
        var at = Fields(utc.Year, 4, utc.Month, utc.Day, (byte)'-', into);
        into[at] = (byte)'T';
        WriteClock(utc, into[(at + 1)..]);
        Digits((int)(utc.Ticks % TimeSpan.TicksPerSecond / 10) % 1000, 3, into[23..]);
        into[26] = (byte)'Z';
    }

    /// <summary>HH:mm:ss.fff of an already-converted (local) time.</summary>
    public static void WriteClock(DateTime time, Span<byte> into)
    {
        var at = Fields(time.Hour, 2, time.Minute, time.Second, (byte)':', into);
        into[at] = (byte)'.';
        Digits(time.Millisecond, 3, into[(at + 1)..]);
    }

    /// <summary>
    /// FIRST-SS-TT with <paramref name="separator"/> between, the last two fields two digits wide: a date or a
    /// time of day. Returns how many bytes it wrote.
    /// </summary>
    private static int Fields(int first, int firstWidth, int second, int third, byte separator, Span<byte> into)
    {
        Digits(first, firstWidth, into);
        into[firstWidth] = separator;
        Digits(second, 2, into[(firstWidth + 1)..]);
        into[firstWidth + 3] = separator;
        Digits(third, 2, into[(firstWidth + 4)..]);
        return firstWidth + 6;
    }

    /// <summary>The last <paramref name="width"/> decimal digits of <paramref name="value"/>, zero-padded.</summary>
    internal static void Digits(int value, int width, Span<byte> into)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
