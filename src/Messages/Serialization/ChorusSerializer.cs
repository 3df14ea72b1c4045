using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Chorus.Messages.Serialization;

/// <summary>
/// The one serializer for every <see cref="IChorusMessage"/>: a compact binary layout written with
/// <see cref="BinaryWriter"/>. Batches dominate the traffic, so a batch is one buffer and every line's text
/// is a slice of it after deserialization: no per-line copy or allocation. Unknown manifests and malformed
/// payloads throw <see cref="SerializationException"/>; Akka then drops the frame and logs it.
/// </summary>
public sealed class ChorusSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    // Above 100: the range Akka leaves to applications.
    public const int Id = 411;

    private const string JoinRequestManifest = "J";
    private const string JoinAcceptedManifest = "JA";
    private const string JoinRefusedManifest = "JR";
    private const string LineBatchManifest = "B";
    private const string HeartbeatManifest = "H";
    private const string BatchAckManifest = "A";
    private const string NodeLeavingManifest = "L";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        LineBatch => LineBatchManifest,
        BatchAck => BatchAckManifest,
        Heartbeat => HeartbeatManifest,
        JoinRequest => JoinRequestManifest,
        JoinAccepted => JoinAcceptedManifest,
        JoinRefused => JoinRefusedManifest,
        NodeLeaving => NodeLeavingManifest,
        _ => throw new SerializationException($"ChorusSerializer cannot serialize {o.GetType()}: it is not a Chorus wire message."),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is LineBatch batch) return LineBatchFormat.Serialize(batch);
        var buffer = new MemoryStream(64);
        using (var writer = new BinaryWriter(buffer))
        {
            switch (obj)
            {
                case BatchAck a: writer.Write(a.Incarnation); writer.Write7BitEncodedInt64(a.UpToSeq); break;
                case Heartbeat h: writer.Write(h.Node); writer.Write(h.Incarnation); writer.Write7BitEncodedInt64(h.LastBatchSeq); writer.Write(h.Watermark.Ticks); writer.Write(h.SessionKey); break;
                case JoinRequest j: writer.Write(j.Node); writer.Write(j.Incarnation); writer.Write7BitEncodedInt64(j.FirstSeq); writer.Write(j.Token); break;
                case JoinAccepted a: writer.Write(a.AggregatorIncarnation); writer.Write7BitEncodedInt64(a.NextSeq); writer.Write(a.SessionKey); break;
                case JoinRefused r: writer.Write(r.Reason); break;
                case NodeLeaving l: writer.Write(l.Node); writer.Write(l.Incarnation); writer.Write(l.SessionKey); break;
                default: throw new SerializationException($"ChorusSerializer cannot serialize {obj.GetType()}: it is not a Chorus wire message.");
            }
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            if (manifest == LineBatchManifest) return LineBatchFormat.Deserialize(bytes);
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
            object message = manifest switch
            {
                BatchAckManifest => new BatchAck(reader.ReadInt64(), reader.Read7BitEncodedInt64()),
                HeartbeatManifest => new Heartbeat(reader.ReadString(), reader.ReadInt64(), reader.Read7BitEncodedInt64(), WireTime.Read(reader), reader.ReadString()),
                JoinRequestManifest => new JoinRequest(reader.ReadString(), reader.ReadInt64(), reader.Read7BitEncodedInt64(), reader.ReadString()),
                JoinAcceptedManifest => new JoinAccepted(reader.ReadInt64(), reader.Read7BitEncodedInt64(), reader.ReadString()),
                JoinRefusedManifest => new JoinRefused(reader.ReadString()),
                NodeLeavingManifest => new NodeLeaving(reader.ReadString(), reader.ReadInt64(), reader.ReadString()),
                _ => throw new SerializationException($"Unknown Chorus message manifest \"{manifest}\": the peer runs an incompatible Chorus version."),
            };
            if (reader.BaseStream.Position != bytes.Length)
                throw new SerializationException($"Chorus message \"{manifest}\" has {bytes.Length - reader.BaseStream.Position} trailing bytes.");
            return message;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or OverflowException)
        {
            throw new SerializationException($"Malformed Chorus message \"{manifest}\" ({bytes.Length} bytes): {e.Message}", e);
        }
    }
}
