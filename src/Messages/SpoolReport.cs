namespace Chorus.Messages;

/// <summary>
/// How many bytes of lines the node holds in its spool on disk, sent when the figure changed (at most once a
/// heartbeat-interval): what /metrics shows as chorus_node_spool_bytes. Carries the session key, as a heartbeat does.
/// </summary>
public sealed record SpoolReport(string Node, long Incarnation, long SpooledBytes, string SessionKey) : IChorusMessage;
