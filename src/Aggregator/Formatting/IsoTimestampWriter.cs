namespace Chorus.Aggregator.Formatting;

/// <summary>
/// Writes ISO 8601 timestamps exactly as <see cref="TimestampText.WriteIso"/> does, remembering the date and
/// time up to the second: consecutive lines almost always fall in the same second, so each costs the six
/// fraction digits instead of splitting the date out of the ticks again (measured: a third of the JSON
/// formatter's time at a million lines a second). Not thread-safe: one per formatter.
/// </summary>
public sealed class IsoTimestampWriter
{
    private const int SecondLength = 20; // 2026-11-23T10:00:00.
    private readonly byte[] _second = new byte[SecondLength];
    private long _secondTicks = -1;

    public void Write(DateTime utc, Span<byte> into)
    {
        var ticksOfSecond = utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticksOfSecond != _secondTicks)
        {
            TimestampText.WriteIso(utc, into);
            into[..SecondLength].CopyTo(_second);
            _secondTicks = ticksOfSecond;
            return;
        }
        _second.CopyTo(into);
        var microseconds = (int)((utc.Ticks - ticksOfSecond) / 10);
        for (var i = TimestampText.IsoLength - 2; i >= SecondLength; i--)
        {
            into[i] = (byte)('0' + microseconds % 10);
            microseconds /= 10;
        }
        into[TimestampText.IsoLength - 1] = (byte)'Z';
    }
}
