using System.Diagnostics;

namespace Chorus.Hosting;

/// <summary>
/// UTC wall time that never goes backwards: the wall clock read once at start plus a monotonic stopwatch.
/// A node stamps its lines with it, so its timestamps only grow even if NTP steps the system clock, and
/// the aggregator's watermark logic can rely on that.
/// </summary>
/// <param name="skew">How wrong this clock is on purpose: tests use it to play a host whose clock is off.</param>
public sealed class MonotonicClock(TimeSpan skew = default)
{
    private readonly DateTime _start = DateTime.UtcNow + skew;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public DateTime UtcNow => _start + Stopwatch.GetElapsedTime(_startTimestamp);
}
