using Akka.Actor;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Everything the ingest sends on: accepted batches and node events to the merge, answers to nodes, and the
/// flush at shutdown. <see cref="Direct"/> sends them straight on. <see cref="Archived"/> (with --archive)
/// sends all of them through the <see cref="ArchiveActor"/>, which writes a batch before it answers the node
/// and passes the batch on, and keeps the order of everything else: nothing overtakes a batch still being
/// written, and no answer reports a sequence number ahead of what the file holds.
/// Called from the ingest's own handlers, so what it sends goes out in the ingest's name: a node keeps
/// talking to the ingest, never to the archive.
/// </summary>
public abstract class IngestOutput
{
    public static IngestOutput Direct(IActorRef merge) => new DirectOutput(merge);

    /// <param name="archived">What the file held at start (<see cref="ArchiveFile.Repair"/>).</param>
    public static IngestOutput Archived(IActorRef archive, IReadOnlyDictionary<string, ArchivedNode> archived) =>
        new ArchivedOutput(archive, archived);

    /// <summary>Node runs whose batches are kept already, up to which batch: their resent batches are repeats.</summary>
    public abstract IReadOnlyDictionary<string, ArchivedNode> ArchivedNodes { get; }

    /// <summary>Tells <paramref name="node"/> <paramref name="answer"/>, after passing on <paramref name="accepted"/> if there is one.</summary>
    public abstract void Answer(IActorRef node, object answer, LineBatch? accepted = null);

    /// <summary>Anything else for the merge: node events, watermarks, clock corrections.</summary>
    public abstract void ToMerge(object message);

    /// <summary>Completes once everything sent so far is written by every sink (with an archive, what it is still writing first).</summary>
    public abstract Task Flush(TimeSpan timeout);

    private sealed class DirectOutput(IActorRef merge) : IngestOutput
    {
        public override IReadOnlyDictionary<string, ArchivedNode> ArchivedNodes { get; } = new Dictionary<string, ArchivedNode>();

        public override void Answer(IActorRef node, object answer, LineBatch? accepted = null)
        {
            if (accepted is not null) merge.Tell(new MergeActor.AcceptedBatch(accepted));
            node.Tell(answer);
        }

        public override void ToMerge(object message) => merge.Tell(message);

        public override Task Flush(TimeSpan timeout) => merge.Ask<OutputFlushed>(new FlushOutput(), timeout);
    }

    private sealed class ArchivedOutput(IActorRef archive, IReadOnlyDictionary<string, ArchivedNode> archived) : IngestOutput
    {
        public override IReadOnlyDictionary<string, ArchivedNode> ArchivedNodes => archived;

        public override void Answer(IActorRef node, object answer, LineBatch? accepted = null) =>
            archive.Tell(new ArchiveActor.WriteThenReply(accepted, answer, node));

        public override void ToMerge(object message) => archive.Tell(message);

        public override Task Flush(TimeSpan timeout) => archive.Ask<OutputFlushed>(new FlushOutput(), timeout);
    }
}
