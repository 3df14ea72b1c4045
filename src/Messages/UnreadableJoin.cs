using Akka.Actor;

namespace Chorus.Messages;

/// <summary>
/// What the aggregator's serializer makes of a <see cref="JoinRequest"/> of another wire version: only the start
/// that every version keeps, enough to answer with a <see cref="JoinRefused"/> that the node accepts (its
/// <paramref name="Nonce"/>) and that names both versions. Built only by deserializing, never sent.
/// </summary>
public sealed record UnreadableJoin(int WireVersion, string Nonce, string ChorusVersion) : INoSerializationVerificationNeeded;
