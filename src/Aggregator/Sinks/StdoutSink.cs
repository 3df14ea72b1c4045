using System.Buffers;
using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Writes the merged stream to stdout, at /user/stdout, on a thread of its own (a pinned dispatcher): a
/// reader that is slow to drain the pipe blocks only this actor. Each chunk is formatted into one buffer
/// and written with one call, then flushed, so lines show up live. If stdout is closed (say, piped into
/// `head`), the other sinks carry on. Each chunk is reported to the <see cref="OutputBacklog"/> once written
/// (or skipped, once stdout is closed, so the backlog still drains): a reader that stops reading makes the
/// ingest hold nodes back instead of this mailbox growing without limit.
/// </summary>
public sealed class StdoutSink : ReceiveActor
{
    private readonly Stream _output;
    private readonly IRecordFormatter _formatter;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly OutputBacklog.Sink _backlog;
    private bool _closed;

    public StdoutSink(Stream output, IRecordFormatter formatter, OutputBacklog.Sink backlog)
    {
        _output = output;
        _formatter = formatter;
        _backlog = backlog;
        Receive<OutputChunk>(Write);
        Receive<MergeActor.SinkFlush>(_ => Sender.Tell(new MergeActor.Flushed()));
    }

    public static Props Props(Stream output, IRecordFormatter formatter, OutputBacklog.Sink backlog) =>
        Akka.Actor.Props.Create(() => new StdoutSink(output, formatter, backlog)).WithDispatcher("chorus.stdout-dispatcher");

    private void Write(OutputChunk chunk)
    {
        // Whatever goes wrong, the chunk is reported: a count never reported would hold the nodes back for good.
        try
        {
            WriteToOutput(chunk);
        }
        catch (Exception e)
        {
            _log.Error("stdout failed on {0} record(s), which it is missing ({1}: {2}); it carries on with the next.",
                chunk.Items.Count, e.GetType().Name, e.Message);
        }
        finally
        {
            _backlog.Finished(chunk.Items);
        }
    }

    private void WriteToOutput(OutputChunk chunk)
    {
        if (_closed) return;
        _buffer.ResetWrittenCount();
        foreach (var item in chunk.Items) _formatter.Write(item, _buffer);
        try
        {
            _output.Write(_buffer.WrittenSpan);
            _output.Flush();
        }
        catch (IOException e)
        {
            _closed = true;
            _log.Warning("stdout is closed ({0}); the stream continues for WebSocket and web clients.", e.Message);
        }
    }
}
