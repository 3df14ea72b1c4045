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

    // Only the Chorus format reads records back into columns (a RecordBlock), which no general serializer can build.
    public LineBatch Read(byte[] bytes) =>
        (_serializer as ChorusSerializer ?? throw new InvalidOperationException(
            $"LineBatch is bound to {_serializer.GetType().Name}, not ChorusSerializer, so the spool cannot read its batches back: " +
            "load hocon/wire.conf into the ActorSystem's configuration (the node does; a test's system must too)."))
        .FromStoredBatch(bytes);
}
