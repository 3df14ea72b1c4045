namespace Chorus.Messages;

/// <summary>
/// Where a node sends: the aggregator's ingest actor, the one path of the aggregator nodes address (and the
/// only one hocon/wire.conf trusts for selections). Both sides name it from here.
/// </summary>
public static class IngestEndpoint
{
    public const string ActorName = "ingest";
    public const string Path = "/user/" + ActorName;
}
