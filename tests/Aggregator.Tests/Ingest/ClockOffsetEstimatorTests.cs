using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class ClockOffsetEstimatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_symmetric_exchange_gives_the_exact_offset()
    {
        var clock = new ClockOffsetEstimator();

        // Remote clock 5 s ahead; 10 ms each way; 1 ms to answer.
        clock.Add(T0, T0.AddSeconds(5).AddMilliseconds(10), T0.AddSeconds(5).AddMilliseconds(11), T0.AddMilliseconds(21));

        Assert.Equal(TimeSpan.FromSeconds(5), clock.Offset);
    }

    [Fact]
    public void The_sample_with_the_shortest_round_trip_wins()
    {
        var clock = new ClockOffsetEstimator();

        // A slow, lopsided exchange (90 ms out, 10 ms back) is off by 40 ms; a quick one is exact.
        clock.Add(T0, T0.AddSeconds(-3).AddMilliseconds(90), T0.AddSeconds(-3).AddMilliseconds(90), T0.AddMilliseconds(100));
        clock.Add(T0.AddSeconds(1), T0.AddSeconds(-2).AddMilliseconds(1), T0.AddSeconds(-2).AddMilliseconds(1), T0.AddSeconds(1).AddMilliseconds(2));

        Assert.Equal(TimeSpan.FromSeconds(-3), clock.Offset);
    }

    [Fact]
    public void An_exchange_with_a_negative_round_trip_is_ignored()
    {
        var clock = new ClockOffsetEstimator();

        clock.Add(T0, T0.AddSeconds(1), T0.AddSeconds(2), T0.AddMilliseconds(10));

        Assert.Equal(TimeSpan.Zero, clock.Offset);
    }
}
