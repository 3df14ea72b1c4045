using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class ClockProbeScheduleTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
    private readonly ClockProbeSchedule _schedule = new(interval: TimeSpan.FromSeconds(2), idleInterval: TimeSpan.FromSeconds(30));

    public ClockProbeScheduleTests() => _schedule.Probed(T0);

    [Fact]
    public void A_quiet_node_is_probed_ever_less_often_up_to_the_idle_interval()
    {
        var probes = ProbeTimes(T0, TimeSpan.FromSeconds(120));

        // 2 s after the join's probe, then 4, 8, 16 and 30 s apart, 30 s at most from there on.
        Assert.Equal([2.0, 6, 14, 30, 60, 90, 120], probes.Select(t => (t - T0).TotalSeconds));
    }

    [Fact]
    public void While_lines_arrive_the_node_is_probed_every_interval()
    {
        var probes = new List<DateTime>();
        for (var t = T0; t <= T0.AddSeconds(10); t = t.AddMilliseconds(500))
        {
            _schedule.LinesArrived(t);
            if (_schedule.Due(t)) probes.Add(t);
        }

        Assert.Equal([2.0, 4, 6, 8, 10], probes.Select(t => (t - T0).TotalSeconds));
    }

    [Fact]
    public void Lines_after_a_quiet_spell_bring_the_next_probe_within_the_interval()
    {
        ProbeTimes(T0, TimeSpan.FromSeconds(60)); // backed off: the next probe would be at 90 s

        _schedule.LinesArrived(T0.AddSeconds(61));

        Assert.False(_schedule.Due(T0.AddSeconds(62.9)));
        Assert.True(_schedule.Due(T0.AddSeconds(63)));
        // Lines came within that interval, so the next is an interval on; with none since, the back-off starts again.
        Assert.False(_schedule.Due(T0.AddSeconds(64.9)));
        Assert.True(_schedule.Due(T0.AddSeconds(65)));
        Assert.False(_schedule.Due(T0.AddSeconds(68.9)));
        Assert.True(_schedule.Due(T0.AddSeconds(69)));
    }

    [Fact]
    public void A_join_starts_the_schedule_again_at_the_interval()
    {
        ProbeTimes(T0, TimeSpan.FromSeconds(60));

        _schedule.Probed(T0.AddSeconds(61));

        Assert.True(_schedule.Due(T0.AddSeconds(63)));
    }

    // Looks every second, as the ingest's probe round does at most.
    private List<DateTime> ProbeTimes(DateTime from, TimeSpan span)
    {
        var probes = new List<DateTime>();
        for (var t = from; t <= from + span; t = t.AddSeconds(1))
            if (_schedule.Due(t)) probes.Add(t);
        return probes;
    }
}
