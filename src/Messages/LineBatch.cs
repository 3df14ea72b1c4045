namespace Chorus.Messages;

/// <summary>
/// Records from one node, in the node's order. <paramref name="Seq"/> numbers batches per node incarnation
/// from 1 without gaps: the aggregator accepts only the next one, acknowledges it, and drops repeats.
/// <paramref name="Watermark"/> is the node's clock when the batch was cut: every record the node reads
/// later carries a later timestamp, which lets the aggregator release lines before the reorder window ends.
/// <paramref name="SessionKey"/> is the key from <see cref="JoinAccepted"/>, set when the batch is sent (a
/// re-join may bring a new one); a batch without the current key is dropped.
/// </summary>
public sealed record LineBatch(
    string Node,
    long Incarnation,
    long Seq,
    DateTime Watermark,
    IReadOnlyList<NodeRecord> Records,
    string SessionKey) : IChorusMessage
{
    /// <summary>A batch not sent yet: the uplink numbers it and puts the session key on it when it sends it.</summary>
    public static LineBatch Unsent(string node, long incarnation, DateTime watermark, IReadOnlyList<NodeRecord> records) =>
        new(node, incarnation, 0, watermark, records, SessionKey: "");
}
