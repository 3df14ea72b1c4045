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
        if (Distance(watermark, nodeOffset, now) is { } off) return off;
        foreach (var record in records)
            if (Distance(record.Timestamp, nodeOffset, now) is { } recordOff) return recordOff;
        return null;
    }

    private TimeSpan? Distance(DateTime nodeTime, TimeSpan nodeOffset, DateTime now)
    {
        var distance = (Int128)nodeTime.Ticks - nodeOffset.Ticks - now.Ticks;
        if (Int128.Abs(distance) <= max.Ticks) return null;
        return TimeSpan.FromTicks((long)Int128.Clamp(distance, long.MinValue, long.MaxValue));
    }

    /// <summary>For the node's operator: how far off, which way, and what to do.</summary>
    public string Reason(TimeSpan off) =>
        $"its times lie {Math.Abs(off.TotalDays):0.#} days {(off > TimeSpan.Zero ? "ahead of" : "behind")} the aggregator's clock, " +
        $"after correcting for the offset measured between the two clocks: more than the {max.TotalHours:0.#} h the aggregator accepts " +
        "(chorus.aggregator.max-clock-distance). Check this host's clock (is NTP running?); its lines wait here meanwhile.";
}
