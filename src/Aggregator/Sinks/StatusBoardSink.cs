using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Keeps the <see cref="StatusBoard"/> behind /api/nodes up to date with the merged stream, at /user/status-board.
/// Reports each chunk to the <see cref="OutputBacklog"/> once applied.
/// </summary>
public sealed class StatusBoardSink : ReceiveActor
{
    public StatusBoardSink(StatusBoard board, OutputBacklog.Sink backlog)
    {
        Receive<OutputChunk>(chunk =>
        {
            board.Apply(chunk.Items);
            backlog.Finished(chunk.Items);
        });
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(StatusBoard board, OutputBacklog.Sink backlog) => Akka.Actor.Props.Create(() => new StatusBoardSink(board, backlog));
}
