using Akka.Actor;
using Akka.Serialization;
using Chorus.Messages;
using Chorus.Messages.Serialization;

namespace Chorus.Node.Uplink;

/// <summary>
/// A batch as bytes, through the ActorSystem's binding for <see cref="LineBatch"/> (the ChorusSerializer):
/// the spool stores exactly what goes on the wire, so there is one format to keep compatible, not two. A batch read
/// back keeps its records' bytes, and goes on the wire as it was stored (<see cref="ChorusSerializer.FromStoredBatch"/>).
/// </summary>
public sealed class BatchCodec(ActorSystem system)
{
    private readonly Serializer _serializer = system.Serialization.FindSerializerForType(typeof(LineBatch));

    public byte[] Write(LineBatch batch) => _serializer.ToBinary(batch);

    public LineBatch Read(byte[] bytes) =>
        (_serializer as ChorusSerializer)?.FromStoredBatch(bytes)
        ?? (LineBatch)system.Serialization.Deserialize(bytes, _serializer.Identifier, Serialization.ManifestFor(_serializer, Probe));

    // The manifest depends only on the type; any batch will do to ask for it.
    private static readonly LineBatch Probe = LineBatch.Unsent("", 0, default, []);
}
