using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Chorus.Node.Processes;

/// <summary>
/// A child's pipe as a stream of byte chunks, emitted as soon as the child writes, however little.
/// Reads from a pipe block (.NET has no truly asynchronous pipe reads on Unix: ReadAsync parks a thread-pool
/// thread), so each pipe gets a thread of its own from a pinned dispatcher. On the shared pool, a node with
/// many quiet children would starve it and delay every other stream and actor.
/// </summary>
public static class PipeSource
{
    /// <summary>Configured in hocon/node.conf.</summary>
    public const string Dispatcher = "chorus.pipe-reader-dispatcher";

    public static Source<ByteString, NotUsed> Create(Stream pipe, int chunkBytes) =>
        StreamConverters.FromInputStream(() => pipe, chunkBytes)
            .WithAttributes(ActorAttributes.CreateDispatcher(Dispatcher))
            .MapMaterializedValue(_ => NotUsed.Instance);
}
