using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>Keeps the <see cref="StatusBoard"/> behind /api/nodes up to date with the merged stream, at /user/status-board.</summary>
public sealed class StatusBoardSink : ReceiveActor
{
    public StatusBoardSink(StatusBoard board)
    {
        Receive<OutputChunk>(chunk => board.Apply(chunk.Items));
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(StatusBoard board) => Akka.Actor.Props.Create(() => new StatusBoardSink(board));
}
