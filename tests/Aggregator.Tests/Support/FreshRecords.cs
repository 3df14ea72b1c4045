using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>
/// <see cref="Records"/> stamped near the aggregator's own clock: whatever goes through the ingest must lie
/// within max-clock-distance of it. Times are milliseconds after this test run's start.
/// </summary>
public static class FreshRecords
{
    public static readonly DateTime T0 = DateTime.UtcNow;

    public static DateTime At(int ms) => T0.AddMilliseconds(ms);

    public static NodeRecord Line(string proc, long seq, int ms, string text = "", OutputStream stream = OutputStream.Stdout) =>
        Records.Line(proc, seq, ms, text, stream) with { Timestamp = At(ms) };
}
