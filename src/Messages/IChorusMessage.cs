namespace Chorus.Messages;

/// <summary>
/// Marks every message that crosses Akka.Remote. hocon/wire.conf binds this one interface to
/// <see cref="Serialization.ChorusSerializer"/>, so no Chorus message ever falls back to Akka's default
/// JSON serializer, which would let the sender choose which .NET type gets built.
/// </summary>
public interface IChorusMessage;
