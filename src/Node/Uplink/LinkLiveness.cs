namespace Chorus.Node.Uplink;

/// <summary>
/// When the link to the aggregator counts as lost (nothing heard for link-timeout: re-join), and when what is in
/// flight counts as lost (no acknowledgement made progress for resend-after: remoting delivers at most once,
/// so send it again). While the aggregator says it holds the node back (a send window of nothing), a missing
/// acknowledgement is no loss: it is withheld, so nothing is due for resending until the node is let go again;
/// the aggregator's answers to the node's heartbeats meanwhile keep the link alive. Also when the uplink looks next
/// (<see cref="NextTick"/>): an idle node wakes less often, but never later than the moment its link would be lost.
/// </summary>
public sealed class LinkLiveness(TimeSpan linkTimeout, TimeSpan resendAfter)
{
    private DateTime _lastHeard;
    private DateTime _lastAckProgress;
    private bool _held;

    /// <summary>A join was accepted at <paramref name="now"/>: both clocks start again.</summary>
    public void Joined(DateTime now)
    {
        _lastHeard = _lastAckProgress = now;
        _held = false;
    }

    /// <summary>
    /// The aggregator's answer at <paramref name="now"/> holds the node back, or not. Let go, the resend clock
    /// starts afresh: what was withheld is not lost for having waited.
    /// </summary>
    public void Held(DateTime now, bool held)
    {
        if (_held && !held) _lastAckProgress = now;
        _held = held;
    }

    /// <summary>An acknowledgement arrived; <paramref name="progressed"/> when it acknowledged something new.</summary>
    public void Acknowledged(DateTime now, bool progressed)
    {
        _lastHeard = now;
        if (progressed) _lastAckProgress = now;
    }

    /// <summary>Something else came from the aggregator at <paramref name="now"/> (a clock probe): it is there, though it acknowledged nothing.</summary>
    public void Heard(DateTime now) => _lastHeard = now;

    public bool LinkLost(DateTime now) => now - _lastHeard > linkTimeout;

    /// <summary>
    /// How long until the uplink's next tick, which checks the link and heartbeats: <paramref name="interval"/>, or less
    /// when the link would count as lost sooner (just past that moment). An idle node's tick is rare (heartbeat-interval-idle),
    /// and a lost link is still found link-timeout after the last word, not up to a tick later.
    /// </summary>
    public TimeSpan NextTick(DateTime now, TimeSpan interval)
    {
        var untilLost = _lastHeard + linkTimeout + LostMargin - now;
        return untilLost < interval ? (untilLost > LostMargin ? untilLost : LostMargin) : interval;
    }

    // Past the moment the link counts as lost (LinkLost is strict), and never a tight loop of ticks when a timer fires early.
    private static readonly TimeSpan LostMargin = TimeSpan.FromMilliseconds(10);

    /// <summary>True at most once per resend-after while no acknowledgement makes progress, and never while held back.</summary>
    public bool ResendDue(DateTime now)
    {
        if (_held || now - _lastAckProgress <= resendAfter) return false;
        _lastAckProgress = now;
        return true;
    }
}
