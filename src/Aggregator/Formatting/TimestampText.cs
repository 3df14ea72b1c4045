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
        Digits(utc.Year, 4, into);
        into[4] = (byte)'-';
        Digits(utc.Month, 2, into[5..]);
        into[7] = (byte)'-';
        Digits(utc.Day, 2, into[8..]);
        into[10] = (byte)'T';
        Clock(utc, into[11..]);
        Digits((int)(utc.Ticks % TimeSpan.TicksPerSecond / 10) % 1000, 3, into[23..]);
        into[26] = (byte)'Z';
    }

    /// <summary>HH:mm:ss.fff of an already-converted (local) time.</summary>
    public static void WriteClock(DateTime time, Span<byte> into) => Clock(time, into);

    private static void Clock(DateTime time, Span<byte> into)
    {
        Digits(time.Hour, 2, into);
        into[2] = (byte)':';
        Digits(time.Minute, 2, into[3..]);
        into[5] = (byte)':';
        Digits(time.Second, 2, into[6..]);
        into[8] = (byte)'.';
        Digits(time.Millisecond, 3, into[9..]);
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
