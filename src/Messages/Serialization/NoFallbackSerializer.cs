using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Chorus.Messages.Serialization;

/// <summary>
/// Takes the place of Akka's JSON serializer (same identifier, 1) and refuses everything, both ways.
/// allow-unregistered-types = false only stops this side from sending unbound types; a peer could still send
/// a payload marked as JSON with a type name of its choosing, and the JSON serializer would build that type
/// here. With this in its place such a frame fails to deserialize and Akka drops it with a logged error.
/// </summary>
public sealed class NoFallbackSerializer(ExtendedActorSystem system) : Serializer(system)
{
    // Akka passes the json section of serialization-settings to whatever is bound as "json".
    public NoFallbackSerializer(ExtendedActorSystem system, Akka.Configuration.Config settings) : this(system)
    {
    }

    /// <summary>The identifier of Akka's NewtonSoftJsonSerializer, which this one replaces.</summary>
    public const int Id = 1;

    public override int Identifier => Id;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType()} is not a Chorus wire message and is never sent. Only types bound in hocon/wire.conf cross the wire.");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"A peer sent a JSON payload ({type?.FullName ?? "unknown type"}, {bytes.Length} bytes): only Chorus messages are accepted; dropped.");
}
