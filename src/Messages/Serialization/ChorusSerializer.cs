using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Chorus.Messages.Serialization;

/// <summary>
/// The one serializer for every <see cref="IChorusMessage"/>: a compact binary layout written with
/// <see cref="WireWriter"/> and read with <see cref="WireReader"/>. Batches dominate the traffic, so a batch
/// is one buffer and every line's text is a slice of it after deserialization: no per-line copy. Unknown manifests and malformed
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
    private const string ClockProbeManifest = "CP";
    private const string ClockReplyManifest = "CR";
    private const string TimesRefusedManifest = "TR";

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
        ClockProbe => ClockProbeManifest,
        ClockReply => ClockReplyManifest,
        TimesRefused => TimesRefusedManifest,
        _ => throw new SerializationException($"ChorusSerializer cannot serialize {o.GetType()}: it is not a Chorus wire message."),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is LineBatch batch) return LineBatchFormat.Serialize(batch);
        var writer = new WireWriter(64);
        switch (obj)
        {
            case BatchAck a:
                writer.WriteInt64(a.Incarnation);
                writer.WriteVarint((ulong)a.UpToSeq);
                writer.WriteString(a.SessionKey);
                break;
            case Heartbeat h:
                writer.WriteString(h.Node);
                writer.WriteInt64(h.Incarnation);
                writer.WriteVarint((ulong)h.LastBatchSeq);
                writer.WriteInt64(h.Watermark.Ticks);
                writer.WriteString(h.SessionKey);
                break;
            case JoinRequest j:
                writer.WriteString(j.Node);
                writer.WriteInt64(j.Incarnation);
                writer.WriteVarint((ulong)j.FirstSeq);
                writer.WriteString(j.Token);
                writer.WriteInt64(j.SentAt.Ticks);
                writer.WriteString(j.Nonce);
                break;
            case JoinAccepted a:
                writer.WriteInt64(a.AggregatorIncarnation);
                writer.WriteVarint((ulong)a.NextSeq);
                writer.WriteString(a.SessionKey);
                writer.WriteString(a.Nonce);
                break;
            case JoinRefused r:
                writer.WriteString(r.Reason);
                writer.WriteString(r.Nonce);
                break;
            case NodeLeaving l:
                writer.WriteString(l.Node);
                writer.WriteInt64(l.Incarnation);
                writer.WriteString(l.SessionKey);
                break;
            case ClockProbe p:
                writer.WriteInt64(p.SentAt.Ticks);
                writer.WriteString(p.SessionKey);
                break;
            case ClockReply c:
                writer.WriteString(c.Node);
                writer.WriteInt64(c.Incarnation);
                writer.WriteString(c.SessionKey);
                writer.WriteInt64(c.EchoSentAt.Ticks);
                writer.WriteInt64(c.ReceivedAt.Ticks);
                writer.WriteInt64(c.RepliedAt.Ticks);
                break;
            case TimesRefused t:
                writer.WriteInt64(t.Incarnation);
                writer.WriteString(t.Reason);
                writer.WriteString(t.SessionKey);
                break;
            default:
                throw new SerializationException($"ChorusSerializer cannot serialize {obj.GetType()}: it is not a Chorus wire message.");
        }
        return writer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            if (manifest == LineBatchManifest) return LineBatchFormat.Deserialize(bytes);
            var reader = new WireReader(bytes);
            object message = manifest switch
            {
                BatchAckManifest => new BatchAck(reader.ReadInt64(), (long)reader.ReadVarint(), reader.ReadString()),
                HeartbeatManifest => new Heartbeat(reader.ReadString(), reader.ReadInt64(), (long)reader.ReadVarint(), WireTime.FromTicks(reader.ReadInt64()), reader.ReadString()),
                JoinRequestManifest => new JoinRequest(reader.ReadString(), reader.ReadInt64(), (long)reader.ReadVarint(), reader.ReadString(), WireTime.FromTicks(reader.ReadInt64()), reader.ReadString()),
                JoinAcceptedManifest => new JoinAccepted(reader.ReadInt64(), (long)reader.ReadVarint(), reader.ReadString(), reader.ReadString()),
                JoinRefusedManifest => new JoinRefused(reader.ReadString(), reader.ReadString()),
                NodeLeavingManifest => new NodeLeaving(reader.ReadString(), reader.ReadInt64(), reader.ReadString()),
                ClockProbeManifest => new ClockProbe(WireTime.FromTicks(reader.ReadInt64()), reader.ReadString()),
                ClockReplyManifest => new ClockReply(reader.ReadString(), reader.ReadInt64(), reader.ReadString(),
                    WireTime.FromTicks(reader.ReadInt64()), WireTime.FromTicks(reader.ReadInt64()), WireTime.FromTicks(reader.ReadInt64())),
                TimesRefusedManifest => new TimesRefused(reader.ReadInt64(), reader.ReadString(), reader.ReadString()),
                _ => throw new SerializationException($"Unknown Chorus message manifest \"{manifest}\": the peer runs an incompatible Chorus version."),
            };
            if (!reader.AtEnd)
                throw new SerializationException($"Chorus message \"{manifest}\" has {reader.Remaining} trailing bytes.");
            return message;
        }
        catch (FormatException e)
        {
            throw new SerializationException($"Malformed Chorus message \"{manifest}\" ({bytes.Length} bytes): {e.Message}", e);
        }
    }
}
