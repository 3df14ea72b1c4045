namespace Chorus.Messages;

/// <summary>
/// The version of the wire layouts this build writes and reads (<see cref="Serialization.ChorusSerializer"/>).
/// Raise it with any change to a layout: an aggregator reads joins of its own wire version only, and refuses the
/// others by name (<see cref="UnreadableJoin"/>). What must never change is in <see cref="JoinRequest"/>'s comment.
/// </summary>
public static class WireVersion
{
    // 2: process life events (ready, restarting, given-up, scaled, waiting) and the control messages.
    // 3: tasks (RunTask) and node labels in the join.
    // 4: the join's answer carries the aggregator's clock (JoinAccepted.SentAt): it is the session's first clock probe.
    public const int Current = 4;
}
