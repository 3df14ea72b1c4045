using Chorus.Hosting;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>The clock of a host whose wall clock is off by <paramref name="skew"/>.</summary>
public sealed class SkewedClock(TimeSpan skew) : MonotonicClock
{
    public override DateTime UtcNow => base.UtcNow + skew;
}
