using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>Feeds the merged stream into the <see cref="LiveFeed"/>, at /user/live-feed, off the merge actor's thread.</summary>
public sealed class LiveFeedSink : ReceiveActor
{
    public LiveFeedSink(LiveFeed feed)
    {
        Receive<OutputChunk>(chunk => feed.Publish(chunk.Items));
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(LiveFeed feed) => Akka.Actor.Props.Create(() => new LiveFeedSink(feed));
}
