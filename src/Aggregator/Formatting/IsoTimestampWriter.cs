namespace Chorus.Aggregator.Formatting;

/// <summary>
/// Writes ISO 8601 timestamps exactly as <see cref="TimestampText.WriteIso"/> does, with the text up to the
/// second made once per second (<see cref="SecondText"/>). Not thread-safe: one per formatter.
/// </summary>
internal sealed class IsoTimestampWriter
{
    private const int SecondLength = 20; // 2026-11-23T10:00:00.
    private readonly SecondText _second = new(SecondLength);

    public void Write(DateTime utc, Span<byte> into)
    {
        if (!_second.TryWrite(utc, into, out var ticks))
        {
            TimestampText.WriteIso(utc, into);
            _second.Remember(utc, into);
            return;
        }
        TimestampText.Digits((int)(ticks / 10), 6, into[SecondLength..]);
        into[TimestampText.IsoLength - 1] = (byte)'Z';
    }
}
