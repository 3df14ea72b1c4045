using System.Collections;

namespace Chorus.Messages.Serialization;

/// <summary>
/// A batch's records read back from its wire bytes, kept with the part of those bytes that encodes them: serializing
/// the batch again copies that part instead of encoding every record anew. The node's spool reads its batches so
/// (<see cref="ChorusSerializer.FromStoredBatch"/>): a spooled batch goes on the wire as the bytes it was stored as,
/// under the number and session key it is sent with. Record timestamps are encoded from the batch's watermark, so the
/// bytes serve only a batch with the watermark they were read with; any other batch of these records is encoded anew.
/// </summary>
public sealed class EncodedRecords : IReadOnlyList<NodeRecord>
{
    internal EncodedRecords(NodeRecord[] records, ReadOnlyMemory<byte> encoded, long watermarkTicks)
    {
        Records = records;
        Encoded = encoded;
        WatermarkTicks = watermarkTicks;
    }

    internal NodeRecord[] Records { get; }

    /// <summary>The records as encoded after the batch's record count, up to the end of the batch.</summary>
    internal ReadOnlyMemory<byte> Encoded { get; }

    internal long WatermarkTicks { get; }

    public int Count => Records.Length;

    public NodeRecord this[int index] => Records[index];

    public IEnumerator<NodeRecord> GetEnumerator() => ((IEnumerable<NodeRecord>)Records).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
