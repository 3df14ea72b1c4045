using System.Diagnostics;

namespace Chorus.Hosting;

/// <summary>
/// UTC wall time that never goes backwards: the wall clock read once at start plus a monotonic stopwatch.
/// A node stamps its lines with it, so its timestamps only grow even if NTP steps the system clock, and
/// the aggregator's watermark logic can rely on that. Open to a subclass that plays a host whose clock is off.
/// </summary>
public class MonotonicClock
{
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public virtual DateTime UtcNow => _start + Stopwatch.GetElapsedTime(_startTimestamp);
}
