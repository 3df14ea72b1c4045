using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Hands each chunk of the merged stream to an in-memory consumer off the merge actor's thread: the
/// <see cref="LiveFeed"/> at /user/live-feed, the <see cref="StatusBoard"/> behind /api/nodes at
/// /user/status-board. Reports each chunk to the <see cref="OutputBacklog"/> once handed over; neither
/// consumer ever waits for a watcher, so watchers cannot hold up ingest through this.
/// </summary>
public sealed class HandOffSink : ReceiveActor
{
    public HandOffSink(Action<IReadOnlyList<OutputItem>> consume, OutputBacklog.Sink backlog)
    {
        Receive<OutputChunk>(chunk =>
        {
            consume(chunk.Items);
            backlog.Finished(chunk.Items);
        });
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(Action<IReadOnlyList<OutputItem>> consume, OutputBacklog.Sink backlog) =>
        Akka.Actor.Props.Create(() => new HandOffSink(consume, backlog));
}
