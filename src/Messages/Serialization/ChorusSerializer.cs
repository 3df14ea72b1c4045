using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Chorus.Messages.Control;

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

    // Each message's manifest (never change one: it is on the wire), how it is written and how it is read
    // back, side by side so the two sequences visibly match. Adding a message is one entry.
    private static readonly MessageLayout[] Layouts =
    [
        MessageLayout.Of<BatchAck>("A",
            (w, m) => { w.WriteInt64(m.Incarnation); w.WriteVarint((ulong)m.UpToSeq); w.WriteString(m.SessionKey); w.WriteOptionalInt32(m.Grant); },
            (ref WireReader r) => new BatchAck(r.ReadInt64(), (long)r.ReadVarint(), r.ReadString(), ReadGrant(ref r))),
        MessageLayout.Of<Heartbeat>("H",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteVarint((ulong)m.LastBatchSeq); w.WriteInt64(m.Watermark.Ticks); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new Heartbeat(r.ReadString(), r.ReadInt64(), (long)r.ReadVarint(), WireTime.FromTicks(r.ReadInt64()), r.ReadString())),
        // Wire version, nonce and Chorus version first, in every wire version (see JoinRequest); the rest may change.
        MessageLayout.Of<JoinRequest>("J",
            (w, m) =>
            {
                w.WriteVarint((ulong)m.WireVersion); w.WriteString(m.Nonce); w.WriteString(m.ChorusVersion);
                w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteVarint((ulong)m.FirstSeq); w.WriteString(m.Token); w.WriteInt64(m.SentAt.Ticks);
                ControlLayouts.WriteLabels(w, m.Labels);
            },
            ReadJoin),
        MessageLayout.Of<JoinAccepted>("JA",
            (w, m) =>
            {
                w.WriteInt64(m.AggregatorIncarnation); w.WriteVarint((ulong)m.NextSeq); w.WriteString(m.SessionKey); w.WriteString(m.Nonce); w.WriteInt64(m.SentAt.Ticks);
                w.WriteOptionalInt32(m.Grant);
            },
            (ref WireReader r) => new JoinAccepted(r.ReadInt64(), (long)r.ReadVarint(), r.ReadString(), r.ReadString(), WireTime.FromTicks(r.ReadInt64()), ReadGrant(ref r))),
        // Never changes: nodes of every wire version read it (see JoinRefused).
        MessageLayout.Of<JoinRefused>("JR",
            (w, m) => { w.WriteString(m.Reason); w.WriteString(m.Nonce); },
            (ref WireReader r) => new JoinRefused(r.ReadString(), r.ReadString())),
        MessageLayout.Of<NodeLeaving>("L",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new NodeLeaving(r.ReadString(), r.ReadInt64(), r.ReadString())),
        MessageLayout.Of<ClockProbe>("CP",
            (w, m) => { w.WriteInt64(m.SentAt.Ticks); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new ClockProbe(WireTime.FromTicks(r.ReadInt64()), r.ReadString())),
        MessageLayout.Of<ClockReply>("CR",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteString(m.SessionKey); w.WriteInt64(m.EchoSentAt.Ticks); w.WriteInt64(m.ReceivedAt.Ticks); w.WriteInt64(m.RepliedAt.Ticks); },
            (ref WireReader r) => new ClockReply(r.ReadString(), r.ReadInt64(), r.ReadString(),
                WireTime.FromTicks(r.ReadInt64()), WireTime.FromTicks(r.ReadInt64()), WireTime.FromTicks(r.ReadInt64()))),
        MessageLayout.Of<ResendFrom>("RF",
            (w, m) => { w.WriteInt64(m.Incarnation); w.WriteVarint((ulong)m.NextSeq); w.WriteString(m.SessionKey); w.WriteOptionalInt32(m.Grant); },
            (ref WireReader r) => new ResendFrom(r.ReadInt64(), (long)r.ReadVarint(), r.ReadString(), ReadGrant(ref r))),
        MessageLayout.Of<TimesRefused>("TR",
            (w, m) => { w.WriteInt64(m.Incarnation); w.WriteString(m.Reason); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new TimesRefused(r.ReadInt64(), r.ReadString(), r.ReadString())),
        MessageLayout.Of<SpoolReport>("S",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteVarint((ulong)m.SpooledBytes); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new SpoolReport(r.ReadString(), r.ReadInt64(), (long)Math.Min(r.ReadVarint(), long.MaxValue), r.ReadString())),
        MessageLayout.Of<ProcessTable>("PT",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteString(m.SessionKey); ControlLayouts.WriteList(w, m.Processes, ControlLayouts.WriteProcess); },
            (ref WireReader r) => new ProcessTable(r.ReadString(), r.ReadInt64(), r.ReadString(), ControlLayouts.ReadList(ref r, ControlLayouts.ReadProcess))),
        MessageLayout.Of<ControlRequest>("CQ",
            (w, m) => { w.WriteVarint((ulong)m.Id); w.WriteByte((byte)m.Verb); w.WriteString(m.Selector); w.WriteString(m.Argument); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new ControlRequest((long)r.ReadVarint(), ControlLayouts.ReadVerb(ref r), r.ReadString(), r.ReadString(), r.ReadString())),
        MessageLayout.Of<ControlReply>("CY",
            (w, m) => { w.WriteString(m.Node); w.WriteInt64(m.Incarnation); w.WriteString(m.SessionKey); w.WriteVarint((ulong)m.Id); ControlLayouts.WriteList(w, m.Results, ControlLayouts.WriteResult); },
            (ref WireReader r) => new ControlReply(r.ReadString(), r.ReadInt64(), r.ReadString(), (long)r.ReadVarint(), ControlLayouts.ReadList(ref r, ControlLayouts.ReadResult))),
        MessageLayout.Of<RunTask>("RT",
            (w, m) => { w.WriteVarint((ulong)m.Id); w.WriteString(m.Process); w.WriteString(m.Command); w.WriteString(m.SessionKey); },
            (ref WireReader r) => new RunTask((long)r.ReadVarint(), r.ReadString(), r.ReadString(), r.ReadString())),
        MessageLayout.Of<RemoteProcesses>("RP",
            (w, m) => { w.WriteString(m.SessionKey); ControlLayouts.WriteList(w, m.Processes, ControlLayouts.WriteNodeProcess); },
            (ref WireReader r) => new RemoteProcesses(r.ReadString(), ControlLayouts.ReadList(ref r, ControlLayouts.ReadNodeProcess))),
    ];

    // Batches, the bulk of the traffic, have a layout of their own (LineBatchFormat) that writes one buffer.
    private const string LineBatchManifest = "B";
    private static readonly Dictionary<Type, MessageLayout> ByType = Layouts.ToDictionary(l => l.Type);
    private static readonly Dictionary<string, MessageLayout> ByManifest = Layouts.ToDictionary(l => l.Manifest);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        o is LineBatch ? LineBatchManifest : LayoutOf(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        if (obj is LineBatch batch) return LineBatchFormat.Serialize(batch);
        var writer = new WireWriter(64);
        LayoutOf(obj).Write(writer, obj);
        return writer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            if (manifest == LineBatchManifest) return LineBatchFormat.Deserialize(bytes);
            var layout = ByManifest.GetValueOrDefault(manifest)
                ?? throw new SerializationException($"Unknown Chorus message manifest \"{manifest}\": the peer runs an incompatible Chorus version.");
            var reader = new WireReader(bytes);
            var message = layout.Read(ref reader);
            if (!reader.AtEnd)
                throw new SerializationException($"Chorus message \"{manifest}\" has {reader.Remaining} trailing bytes.");
            return message;
        }
        catch (FormatException e)
        {
            throw new SerializationException($"Malformed Chorus message \"{manifest}\" ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    /// <summary>
    /// A batch read back from where it was stored as <see cref="ToBinary"/> wrote it (the node's spool): its records keep
    /// their bytes (<see cref="RecordBlock.Encoded"/>), so sending it copies them rather than encoding each record again.
    /// </summary>
    public LineBatch FromStoredBatch(byte[] bytes)
    {
        try
        {
            return LineBatchFormat.Deserialize(bytes, keepEncoded: true);
        }
        catch (FormatException e)
        {
            throw new SerializationException($"Malformed stored batch ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    // A join of another wire version is answered, not dropped: its start is all the aggregator reads of it.
    private static object ReadJoin(ref WireReader r)
    {
        var (wireVersion, nonce, chorusVersion) = ((int)Math.Min(r.ReadVarint(), int.MaxValue), r.ReadString(), r.ReadString());
        if (wireVersion != WireVersion.Current)
        {
            r.SkipToEnd();
            return new UnreadableJoin(wireVersion, nonce, chorusVersion);
        }
        return new JoinRequest(r.ReadString(), r.ReadInt64(), (long)r.ReadVarint(), r.ReadString(), WireTime.FromTicks(r.ReadInt64()), nonce,
            wireVersion, chorusVersion,
            // None: left to the record's own empty map, so a join without labels reads back equal to what was sent.
            ControlLayouts.ReadLabels(ref r) is { Count: > 0 } labels ? labels : null);
    }

    // A window is a count: a negative one is a malformed frame, not "no window".
    private static int? ReadGrant(ref WireReader r)
    {
        var grant = r.ReadOptionalInt32();
        return grant < 0 ? throw new FormatException($"a send-window grant of {grant} is negative") : grant;
    }

    private static MessageLayout LayoutOf(object message) =>
        ByType.GetValueOrDefault(message.GetType())
        ?? throw new SerializationException($"ChorusSerializer cannot serialize {message.GetType()}: it is not a Chorus wire message.");

    private delegate object ReadMessage(ref WireReader reader);

    private sealed record MessageLayout(Type Type, string Manifest, Action<WireWriter, object> Write, ReadMessage Read)
    {
        public static MessageLayout Of<T>(string manifest, Action<WireWriter, T> write, ReadMessage read) =>
            new(typeof(T), manifest, (writer, message) => write(writer, (T)message), read);
    }
}
