namespace Chorus.Aggregator.Ingest;

/// <summary>
/// How far a remote clock is from ours, from NTP-style exchanges: we send at T1, they receive at T2 and
/// answer at T3 (their clock), we receive at T4. offset = ((T2 - T1) + (T3 - T4)) / 2 is wrong by at most
/// half the round trip (T4 - T1) - (T3 - T2), so of the last few samples the one with the shortest round
/// trip wins.
/// </summary>
public sealed class ClockOffsetEstimator
{
    // Eight, as NTP's clock filter keeps: enough that a quick round trip is among them, few enough to follow a drifting clock.
    private const int Keep = 8;
    private readonly Queue<(TimeSpan Offset, TimeSpan RoundTrip)> _samples = new();

    /// <summary>Remote clock minus ours: the seed (or zero) until the first sample.</summary>
    public TimeSpan Offset { get; private set; }

    /// <summary>
    /// A first guess from a one-way message (their send time against our receive time): wrong by the
    /// one-way delay, which the first real sample replaces.
    /// </summary>
    public void Seed(TimeSpan offset)
    {
        if (_samples.Count == 0) Offset = offset;
    }

    public void Add(DateTime sentAt, DateTime remoteReceivedAt, DateTime remoteRepliedAt, DateTime receivedAt)
    {
        var roundTrip = (receivedAt - sentAt) - (remoteRepliedAt - remoteReceivedAt);
        if (roundTrip < TimeSpan.Zero) return; // a clock stepped mid-exchange: the sample means nothing
        _samples.Enqueue((((remoteReceivedAt - sentAt) + (remoteRepliedAt - receivedAt)) / 2, roundTrip));
        if (_samples.Count > Keep) _samples.Dequeue();
        Offset = _samples.MinBy(s => s.RoundTrip).Offset;
    }
}
