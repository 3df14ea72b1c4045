using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class DropCounterTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_first_drop_is_reported_then_at_most_once_per_interval_with_the_count_since()
    {
        var counter = new DropCounter(TimeSpan.FromMinutes(1), maxNames: 1000);

        Assert.Equal(1, counter.Count("a", T0));
        Assert.Equal(0, counter.Count("a", T0.AddSeconds(1)));
        Assert.Equal(0, counter.Count("a", T0.AddSeconds(59)));
        Assert.Equal(3, counter.Count("a", T0.AddSeconds(61)));
        Assert.Equal(1, counter.Count("b", T0.AddSeconds(61)));
    }

    [Fact]
    public void Many_forged_names_share_one_entry_beyond_the_bound()
    {
        var counter = new DropCounter(TimeSpan.FromMinutes(1), maxNames: 10);

        var reports = Enumerable.Range(0, 10_000).Count(i => counter.Count($"name-{i}", T0) > 0);

        Assert.Equal(11, reports); // ten names, then one for all the others
    }
}
