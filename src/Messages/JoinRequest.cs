namespace Chorus.Messages;

/// <summary>
/// A node asks the aggregator to take its output. Sent again after every loss of contact; joining twice is
/// harmless. <paramref name="Incarnation"/> is random per node start, so a restarted node's sequence numbers
/// are never mistaken for duplicates of its previous run. <paramref name="FirstSeq"/> is the oldest batch
/// the node still holds: an aggregator that does not know this incarnation starts accepting there.
/// <paramref name="Token"/> is the shared token (empty when none is configured); a wrong one is answered
/// with <see cref="JoinRefused"/>.
/// <paramref name="SentAt"/> is the node's clock when it asked: the aggregator's first guess at how far the
/// node's clock is off, until <see cref="ClockProbe"/> exchanges measure it.
/// <paramref name="Nonce"/> is random per join attempt; the answer (<see cref="JoinAccepted"/> or
/// <see cref="JoinRefused"/>) must echo it, so a peer that can reach the node but never saw the join cannot
/// answer in the aggregator's place.
/// <paramref name="WireVersion"/> is the layout version the node writes (<see cref="Messages.WireVersion"/>),
/// <paramref name="ChorusVersion"/> its build ("0.1.0+1a2b3c4"), shown in /api/nodes.
/// <paramref name="Labels"/> are the node's own (<c>chorus-node --label KEY=VALUE</c>): what a task's <c>--on label:KEY=VALUE</c>
/// selects nodes by, shown in /api/nodes; none when not given.
/// On the wire the join starts with the wire version, the nonce and the Chorus version, in every wire version
/// to come: the wire version first, so an aggregator knows before anything else whether it can read the rest;
/// the nonce next, because a refusal without it is one the node must ignore (it cannot tell it from a forged
/// one); the Chorus version last of the three, so the refusal can tell the person which build to run. Whatever
/// follows may change with the wire version. An aggregator that cannot read the rest gets an <see cref="UnreadableJoin"/>.
/// </summary>
public sealed record JoinRequest(string Node, long Incarnation, long FirstSeq, string Token, DateTime SentAt, string Nonce,
    int WireVersion, string ChorusVersion, IReadOnlyDictionary<string, string>? Labels = null) : IChorusMessage
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Never null: a join made without labels has none.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Labels ?? NoLabels;
}
