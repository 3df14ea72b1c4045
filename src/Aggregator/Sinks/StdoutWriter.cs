using System.Buffers;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Microsoft.Win32.SafeHandles;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Writes the merged stream to stdout in the chosen format; a folded line's copies are shown by the line that stands for them. Each chunk is formatted into one buffer and
/// written with one call, then flushed, so lines show up live. Once stdout is closed (say, piped into
/// `head`), it says so once with <see cref="OutputClosedException"/> and skips every later chunk, so its
/// sink still reports them and the other sinks carry on.
/// </summary>
public sealed class StdoutWriter(Stream output, IRecordFormatter formatter) : IOutputWriter
{
    /// <summary>
    /// A writer onto this process's stdout, file descriptor 1 itself. Not Console's stdout stream: each of its
    /// writes holds a lock that writes to stderr take too, so a stdout that blocks (a full pipe nobody reads)
    /// would hold every notice behind it, and with them the actors that print them, a stop included.
    /// </summary>
    public static StdoutWriter ForThisProcess(IRecordFormatter formatter) =>
        new(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0), formatter);

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private bool _closed;

    public void Write(OutputChunk chunk)
    {
        if (_closed) return;
        _buffer.ResetWrittenCount();
        foreach (var run in chunk.Runs)
            if (!run.FoldedAway) formatter.Write(run, _buffer);
        try
        {
            output.Write(_buffer.WrittenSpan);
            output.Flush();
        }
        catch (IOException e)
        {
            _closed = true;
            throw new OutputClosedException($"stdout is closed ({e.Message}); the stream continues for WebSocket and web clients.");
        }
    }
}
