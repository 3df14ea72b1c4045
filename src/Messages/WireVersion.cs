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
    // 5: acknowledgements, the join's answer and ResendFrom carry the aggregator's send-window grant. A wire-4 reader
    //    refuses trailing bytes, so a grant added without the bump would have an older node drop every acknowledgement
    //    and re-join for ever; with it, the older node is refused at its join, by name (exit 6).
    public const int Current = 5;
}
