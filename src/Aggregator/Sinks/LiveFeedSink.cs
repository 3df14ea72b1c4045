using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Feeds the merged stream into the <see cref="LiveFeed"/>, at /user/live-feed, off the merge actor's thread.
/// Reports each chunk to the <see cref="OutputBacklog"/> once it is in the feed; the feed never waits for a
/// watcher, so watchers cannot hold up ingest through this.
/// </summary>
public sealed class LiveFeedSink : ReceiveActor
{
    public LiveFeedSink(LiveFeed feed, OutputBacklog.Sink backlog)
    {
        Receive<OutputChunk>(chunk =>
        {
            feed.Publish(chunk.Items);
            backlog.Finished(chunk.Items);
        });
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(LiveFeed feed, OutputBacklog.Sink backlog) => Akka.Actor.Props.Create(() => new LiveFeedSink(feed, backlog));
}
