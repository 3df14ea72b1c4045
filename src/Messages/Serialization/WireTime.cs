namespace Chorus.Messages.Serialization;

/// <summary>Timestamps travel as UTC ticks; a value outside DateTime's range is a malformed frame, not a crash.</summary>
internal static class WireTime
{
    public static DateTime FromTicks(long ticks) =>
        ticks is >= 0 and <= 3155378975999999999 // DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : throw new FormatException($"timestamp ticks {ticks} are out of range");
}
