using System.Buffers;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;

namespace Chorus.Aggregator.Archive;

/// <summary>
/// Appends to --archive FILE, at /user/archive, on a thread of its own (a pinned dispatcher, so disk writes
/// never hold up remoting or the merge). Fed by the ingest's archived <see cref="Ingest.IngestOutput"/>.
/// In: <see cref="WriteThenReply"/> (write the batch if any, flush, then answer the node in the ingest's
/// name and pass the batch to the merge); node-up and node-down (written, then passed on); watermarks,
/// clock corrections and <see cref="FlushOutput"/> (passed on). Handled in order, so no answer is ahead
/// of the file and the merge, hence stdout and watchers, never shows a line the file does not hold.
/// A write that fails asks for a stop with exit code 5 (<see cref="StopRequest"/>): going on would
/// acknowledge lines that are not archived. From then on only <see cref="FlushOutput"/> is passed on, so
/// the merge still writes out what it holds, all of it archived; the nodes resend the rest to the next run.
/// </summary>
public sealed class ArchiveActor : ReceiveActor
{
    private readonly string _path;
    private readonly IActorRef _merge;
    private readonly StopRequest _stop;
    private readonly JsonFormatter _formatter = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private FileStream? _file;
    private long _batches, _records, _writeTicks;

    public ArchiveActor(string path, IActorRef merge, StopRequest stop)
    {
        _path = path;
        _merge = merge;
        _stop = stop;
        Receive<WriteThenReply>(OnWrite);
        Receive<MergeActor.NodeConnected>(c =>
        {
            if (WriteEvent(c.Node, NodeRecord.NodeUp(DateTime.UtcNow, c.ChorusVersion))) _merge.Forward(c);
        });
        Receive<MergeActor.NodeDisconnected>(d =>
        {
            if (WriteEvent(d.Node, NodeRecord.NodeDown(DateTime.UtcNow))) _merge.Forward(d);
        });
        // Nothing to keep, but they must not overtake the batches written before them.
        Receive<MergeActor.NodeProgress>(_merge.Forward);
        Receive<MergeActor.NodeClock>(_merge.Forward);
        Receive<FlushOutput>(_merge.Forward);
    }

    public static Props Props(string path, IActorRef merge, StopRequest stop) =>
        Akka.Actor.Props.Create(() => new ArchiveActor(path, merge, stop)).WithDispatcher("chorus.archive-dispatcher");

    /// <summary>
    /// Write <paramref name="Batch"/> (if any) and flush, then send <paramref name="Reply"/> to <paramref name="To"/>
    /// in the name of this message's sender (a node talks to the ingest, never to the archive) and the batch on
    /// to the merge.
    /// </summary>
    public sealed record WriteThenReply(LineBatch? Batch, object Reply, IActorRef To);

    protected override void PreStart() =>
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);

    private void OnWrite(WriteThenReply write)
    {
        if (write.Batch is { } batch)
        {
            _buffer.ResetWrittenCount();
            // The whole batch as one run: the formatter reads it in place, as the sinks do.
            _formatter.Write(new OutputRun(batch.Node, batch.Records, 0, batch.Records.Count), _buffer);
            ArchiveFormat.WriteMarker(_buffer, batch.Node, batch.Incarnation, batch.Seq, batch.Records.Count);
            if (!Append()) return;
            _batches++;
            _records += batch.Records.Count;
        }
        write.To.Tell(write.Reply, Sender);
        if (write.Batch is not null) _merge.Tell(new MergeActor.AcceptedBatch(write.Batch));
    }

    private bool WriteEvent(string node, NodeRecord nodeEvent)
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(new OutputItem(node, nodeEvent), _buffer);
        return Append();
    }

    /// <summary>
    /// Writes and flushes the buffer; false, once and for good, when the file cannot take it. Flushed to the OS,
    /// not fsynced: it survives the aggregator being killed, not a power cut (README, Reliability).
    /// </summary>
    private bool Append()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _file!.Write(_buffer.WrittenSpan);
            _file.Flush();
        }
        catch (IOException e)
        {
            _log.Error("Cannot write the archive {0}: {1}. Stopping: nothing may be acknowledged that is not archived. " +
                       "Free space or fix the file, then start again with the same --archive; nodes resend.", _path, e.Message);
            Become(Failed);
            _stop.Request(ExitCodes.CannotArchive);
            return false;
        }
        _writeTicks += Stopwatch.GetTimestamp() - started;
        return true;
    }

    /// <summary>After a failed write, until the process ends: only the shutdown flush still goes through.</summary>
    private void Failed()
    {
        Receive<FlushOutput>(_merge.Forward);
        ReceiveAny(_ => { });
    }

    protected override void PostStop()
    {
        _file?.Dispose();
        if (_batches > 0)
            Notice.Write($"archived {_records} records in {_batches} batches to {_path}; write+flush took " +
                         $"{Stopwatch.GetElapsedTime(0, _writeTicks).TotalMilliseconds / _batches * 1000:0} µs per batch on average.");
    }
}
