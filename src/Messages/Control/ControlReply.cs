namespace Chorus.Messages.Control;

/// <summary>Node to aggregator: what a <see cref="ControlRequest"/> did, one result per process it selected (none: it selected nothing here).</summary>
public sealed record ControlReply(string Node, long Incarnation, string SessionKey, long Id, IReadOnlyList<ActionResult> Results) : IChorusMessage;

/// <summary>
/// What a verb did to one process. <paramref name="Outcome"/> is "ok" or a short reason in kebab case
/// ("already-stopped", "stdin-closed", "node-down", ...): the API's "outcome" value. <paramref name="Message"/>
/// says it for a person, with the fix where there is one.
/// </summary>
public sealed record ActionResult(string Process, string Outcome, string Message)
{
    public const string Ok = "ok";

    public bool IsOk => Outcome == Ok;
}
