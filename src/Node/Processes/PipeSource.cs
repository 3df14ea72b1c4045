using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;

namespace Chorus.Node.Processes;

/// <summary>
/// A child's pipe as a stream of lines: each element holds the lines one read completed (none, when it ended
/// in the middle of a line), emitted as soon as the child writes, however little, with how far into the pipe
/// the lines so far reach (compared with <see cref="ChildPipe.BytesWritten"/>).
/// Reads from a pipe block (.NET has no truly asynchronous pipe reads on Unix: ReadAsync parks a thread-pool
/// thread), so each pipe gets a thread of its own from a pinned dispatcher. On the shared pool, a node with
/// many quiet children would starve it and delay every other stream and actor.
/// The framing runs on that thread too, straight from the read buffer: reading into chunks first (Akka's
/// FromInputStream) copied every byte once more and handed each chunk across actors, a fifth of the node's
/// CPU at a million lines a second.
/// </summary>
public static class PipeSource
{
    /// <summary>Configured in hocon/node.conf.</summary>
    public const string Dispatcher = "chorus.pipe-reader-dispatcher";

    public static Source<PipeRead, NotUsed> Create(ChildPipe pipe, int chunkBytes, int maxLineBytes)
    {
        // Fail where the blueprint is built, not later when it runs.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, LineFramer.SmallestLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        return Source.UnfoldResource(
                () => new FramedPipe(pipe, chunkBytes, maxLineBytes),
                framed => framed.ReadLines(),
                framed => framed.Dispose())
            .WithAttributes(ActorAttributes.CreateDispatcher(Dispatcher))
            // Its own island, so the blocking reads stay on the pinned thread and off the stream downstream.
            .Async();
    }

    /// <summary>One pipe with its framer and the buffer it reads into, reused for every read.</summary>
    private sealed class FramedPipe(ChildPipe pipe, int chunkBytes, int maxLineBytes) : IDisposable
    {
        // The framer copies out the lines it hands on, so the next read may overwrite this.
        private readonly byte[] _chunk = new byte[chunkBytes];
        private readonly LineFramer _framer = new(maxLineBytes);
        private bool _ended;

        /// <summary>One read's lines; at the end of the pipe, the last unterminated line, then none.</summary>
        public Option<PipeRead> ReadLines()
        {
            while (!_ended)
            {
                var read = pipe.Read(_chunk);
                var lines = read > 0 ? _framer.Feed(_chunk.AsSpan(0, read)) : _framer.Finish();
                _ended = read == 0;
                // A read without a whole line still moves the position on, so the actor learns how far it got.
                if (lines.Count > 0 || read > 0)
                    return Option<PipeRead>.Create(new PipeRead(lines, pipe.BytesRead - _framer.PendingBytes));
            }
            return Option<PipeRead>.None;
        }

        public void Dispose() => pipe.Dispose();
    }
}

/// <summary>
/// The lines of one read from a pipe, and how many of the pipe's bytes the lines handed out so far cover (an
/// unfinished line held back by the framer is not covered yet).
/// </summary>
public sealed record PipeRead(IReadOnlyList<FramedLine> Lines, long BytesFramed);
