using Akka.Actor;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;

namespace Chorus.Aggregator.Control;

/// <summary>
/// What HTTP (POST /api/actions, /attach, the page) asks of the fleet: a verb for every process a selector
/// matches, on every node. The ControlActor routes it to the nodes and gathers their answers.
/// </summary>
public sealed class FleetControl(IActorRef control, TimeSpan timeout)
{
    /// <summary>One result per selected process (and one "node-down" per node that may match but is down); empty when nothing matched.</summary>
    public Task<Acted> ActAsync(ControlVerb verb, Selector selector, string argument) =>
        control.Ask<Acted>(new Act(verb, selector, argument), timeout);

    /// <summary>One result per node <paramref name="on"/> matches (see <see cref="RunOn"/>); empty when it matches no node the aggregator knows.</summary>
    public Task<Acted> RunAsync(string process, string command, Selector on) =>
        control.Ask<Acted>(new RunOn(process, command, on), timeout);
}

/// <summary>To the ControlActor: do <paramref name="Verb"/> to what <paramref name="Selector"/> matches. Answered with <see cref="Acted"/>.</summary>
public sealed record Act(ControlVerb Verb, Selector Selector, string Argument);

/// <summary>
/// To the ControlActor: run <paramref name="Command"/> (for /bin/sh -c) once as <paramref name="Process"/> ("task-t1") on
/// every node <paramref name="On"/> matches by name and node labels (<c>node:</c>, <c>label:</c>, <c>all</c>, <c>!</c>):
/// a <see cref="RunTask"/> to each that is up, "node-down" at once for each that is down. Answered with
/// <see cref="Acted"/>: one result per node, named <paramref name="Process"/>.
/// </summary>
public sealed record RunOn(string Process, string Command, Selector On);

public sealed record Acted(IReadOnlyList<NodeActionResult> Results);

/// <summary>One process's result, with its node.</summary>
public sealed record NodeActionResult(string Node, ActionResult Result);
