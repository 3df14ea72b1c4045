using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.Util;

namespace Chorus.Node.Processes;

/// <summary>
/// A child's pipe as a stream of byte chunks, read with async reads: no thread is blocked while the child
/// is quiet, and a chunk is emitted as soon as the child writes, however little.
/// </summary>
public static class PipeSource
{
    public static Source<ByteString, NotUsed> Create(Stream pipe, int chunkBytes)
    {
        var buffer = new byte[chunkBytes];
        return Source.UnfoldResourceAsync<ByteString, Stream>(
            () => Task.FromResult(pipe),
            async stream =>
            {
                var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                // The buffer is reused for the next read, so the chunk takes a copy of what was read.
                return read == 0 ? Option<ByteString>.None : Option<ByteString>.Create(ByteString.CopyFrom(buffer, 0, read));
            },
            stream =>
            {
                stream.Dispose();
                return Task.FromResult(Done.Instance);
            });
    }
}
