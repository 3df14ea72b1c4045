namespace Chorus.Aggregator.Ingest;

/// <summary>
/// When to probe one node's clock next. Lines are ordered by their node's time corrected onto ours, so while a node's
/// lines arrive its clock is probed every clock-probe-interval; while it sends none there is nothing to order, and each
/// probe waits twice as long as the last, up to clock-probe-interval-idle. Its first lines after a quiet spell bring the
/// next probe within clock-probe-interval again. The probes are not what keeps a node up (its heartbeats are), so a
/// quiet node is still found down node-timeout after it falls silent.
/// </summary>
public sealed class ClockProbeSchedule(TimeSpan interval, TimeSpan idleInterval)
{
    private TimeSpan _wait;
    private DateTime _due;
    private bool _linesSinceProbe;

    /// <summary>The node joined and was probed with the join's answer at <paramref name="now"/>: probes start again at the short interval.</summary>
    public void Probed(DateTime now)
    {
        _wait = interval;
        _linesSinceProbe = false;
        _due = now + _wait;
    }

    /// <summary>Lines of the node arrived at <paramref name="now"/>: its clock is probed within clock-probe-interval.</summary>
    public void LinesArrived(DateTime now)
    {
        _linesSinceProbe = true;
        if (_due > now + interval) _due = now + interval;
    }

    /// <summary>Whether a probe is due at <paramref name="now"/>; when it is, the next one is scheduled as if it went out now.</summary>
    public bool Due(DateTime now)
    {
        if (now < _due) return false;
        _wait = _linesSinceProbe ? interval : Min(_wait * 2, idleInterval);
        _linesSinceProbe = false;
        _due = now + _wait;
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
