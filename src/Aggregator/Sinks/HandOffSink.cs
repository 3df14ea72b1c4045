using Akka.Actor;
using Akka.Event;
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
        var log = Context.GetLogger();
        Receive<OutputChunk>(chunk =>
        {
            // A consumer that throws must not leak the backlog's count (that would hold the nodes back for good).
            try
            {
                consume(chunk.Items);
            }
            catch (Exception e)
            {
                log.Error("The {0} sink failed on {1} record(s), which it is missing ({2}: {3}); it carries on with the next.",
                    backlog.Name, chunk.Items.Count, e.GetType().Name, e.Message);
            }
            finally
            {
                backlog.Finished(chunk.Items);
            }
        });
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(Action<IReadOnlyList<OutputItem>> consume, OutputBacklog.Sink backlog) =>
        Akka.Actor.Props.Create(() => new HandOffSink(consume, backlog));
}
