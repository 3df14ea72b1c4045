using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Whether a node's times, corrected onto the aggregator's clock, lie within max-clock-distance of it. The
/// times come from the wire, so they may be anything (DateTime.MaxValue included); one far enough out would
/// overflow the reorder buffer's arithmetic. Computed in 128 bits: no time or offset can overflow here.
/// </summary>
public sealed class ClockDistance(TimeSpan max)
{
    /// <summary>
    /// How far the first time beyond the bound lies from <paramref name="now"/> (ahead when positive), or
    /// null when the watermark and every record are within it. <paramref name="nodeOffset"/>: the node's
    /// clock minus ours, as measured.
    /// </summary>
    public TimeSpan? Beyond(DateTime watermark, IReadOnlyList<NodeRecord> records, TimeSpan nodeOffset, DateTime now)
    {
        if (Distance(watermark.Ticks, nodeOffset, now) is { } off) return off;
        // A heartbeat has no records: no block to make for it.
        if (records.Count == 0) return null;
        // Per batch, not per record: the earliest and the latest time are within the bound, so every time is.
        var ticks = RecordBlock.Of(records).TimestampTicks;
        var (earliest, latest) = (ticks[0], ticks[0]);
        foreach (var t in ticks)
        {
            earliest = Math.Min(earliest, t);
            latest = Math.Max(latest, t);
        }
        if (Distance(earliest, nodeOffset, now) is null && Distance(latest, nodeOffset, now) is null) return null;
        foreach (var t in ticks)
            if (Distance(t, nodeOffset, now) is { } recordOff) return recordOff;
        return null;
    }

    private TimeSpan? Distance(long nodeTicks, TimeSpan nodeOffset, DateTime now)
    {
        var distance = (Int128)nodeTicks - nodeOffset.Ticks - now.Ticks;
        if (Int128.Abs(distance) <= max.Ticks) return null;
        return TimeSpan.FromTicks((long)Int128.Clamp(distance, long.MinValue, long.MaxValue));
    }

    /// <summary>For the node's operator: how far off, which way, and what to do.</summary>
    public string Reason(TimeSpan off) =>
        $"its times lie {Math.Abs(off.TotalDays):0.#} days {(off > TimeSpan.Zero ? "ahead of" : "behind")} the aggregator's clock, " +
        $"after correcting for the offset measured between the two clocks: more than the {max.TotalHours:0.#} h the aggregator accepts " +
        "(chorus.aggregator.max-clock-distance). Check this host's clock (is NTP running?); its lines wait here meanwhile.";
}
