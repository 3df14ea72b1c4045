using Akka.Actor;

namespace Chorus.Aggregator.Archive;

/// <summary>What the IngestActor needs of the archive: where to send batches and answers, and what the file already holds.</summary>
public sealed record ArchiveLink(IActorRef Writer, IReadOnlyDictionary<string, ArchivedNode> Archived);
