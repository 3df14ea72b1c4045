namespace Chorus.Node.Uplink;

/// <summary>
/// When the link to the aggregator counts as lost (nothing heard for link-timeout: re-join), and when what is in
/// flight counts as lost (no acknowledgement made progress for resend-after: remoting delivers at most once,
/// so send it again).
/// </summary>
public sealed class LinkLiveness(TimeSpan linkTimeout, TimeSpan resendAfter)
{
    private DateTime _lastHeard;
    private DateTime _lastAckProgress;

    /// <summary>A join was accepted at <paramref name="now"/>: both clocks start again.</summary>
    public void Joined(DateTime now) => _lastHeard = _lastAckProgress = now;

    /// <summary>An acknowledgement arrived; <paramref name="progressed"/> when it acknowledged something new.</summary>
    public void Acknowledged(DateTime now, bool progressed)
    {
        _lastHeard = now;
        if (progressed) _lastAckProgress = now;
    }

    public bool LinkLost(DateTime now) => now - _lastHeard > linkTimeout;

    /// <summary>True at most once per resend-after while no acknowledgement makes progress.</summary>
    public bool ResendDue(DateTime now)
    {
        if (now - _lastAckProgress <= resendAfter) return false;
        _lastAckProgress = now;
        return true;
    }
}
