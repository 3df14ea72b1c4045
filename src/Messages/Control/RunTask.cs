namespace Chorus.Messages.Control;

/// <summary>
/// Aggregator to node: run <paramref name="Command"/> once (by <c>/bin/sh -c</c>, never restarted) as a process
/// named <paramref name="Process"/> ("task-t1"), whose lines, started and exited travel in the node's ordered stream
/// like any process's. Answered with a <see cref="ControlReply"/> echoing <paramref name="Id"/>, with one
/// <see cref="ActionResult"/> for <paramref name="Process"/>: "ok" (it started), "run-not-allowed" (the node was
/// not started with --allow-run), "already-exists" (a process of that name runs there), or "cannot-start"
/// (the message says why). A node obeys only the aggregator it joined: the dialled address and the session key.
/// </summary>
public sealed record RunTask(long Id, string Process, string Command, string SessionKey) : IChorusMessage;
