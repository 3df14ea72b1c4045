using System.Globalization;

namespace Chorus.Aggregator.Ctl;

/// <summary>Rows as columns padded to their widest cell, for people; the last column is not padded.</summary>
public static class Columns
{
    public static void Write(TextWriter output, IReadOnlyList<string[]> rows)
    {
        if (rows.Count == 0) return;
        var widths = new int[rows.Max(r => r.Length)];
        foreach (var row in rows)
            for (var i = 0; i < row.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        foreach (var row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary>How long ago an API timestamp was, shortly: 42s, 3m7s, 2h5m, 1d4h; "-" when it is not one.</summary>
    public static string Since(string timestamp, DateTime now)
    {
        if (!DateTime.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var then)) return "-";
        var up = now - then;
        if (up < TimeSpan.Zero) up = TimeSpan.Zero;
        return up.TotalHours >= 24 ? $"{(int)up.TotalDays}d{up.Hours}h"
            : up.TotalMinutes >= 60 ? $"{(int)up.TotalHours}h{up.Minutes}m"
            : up.TotalSeconds >= 60 ? $"{(int)up.TotalMinutes}m{up.Seconds}s"
            : $"{(int)up.TotalSeconds}s";
    }
}
