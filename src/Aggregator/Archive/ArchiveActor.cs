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
/// Appends to --archive FILE, at /user/archive, on a thread of its own (a pinned dispatcher): disk writes
/// never hold up remoting or the merge. The ingest's archived IngestOutput sends every answer a node is owed
/// (acknowledgement, join accepted) through here, with the batch to write first when there is one. Messages are handled in
/// order, so by the time an answer goes out, every batch accepted before it is written and flushed: a node
/// is never told a batch is safe before it is. Everything else bound for the merge comes through here too
/// and is passed on in the same order, a batch only once it is written: stdout and watchers never show a
/// line the archive does not hold, so after a crash the lines nodes resend are repeats there as well. Flushed to the OS, not fsynced: the archive survives the
/// aggregator being killed, not the machine losing power. A write that fails stops the aggregator (a
/// <see cref="StopRequest"/> with exit code 5): going on would acknowledge lines that are not archived. Until
/// the process ends, nothing more is written, answered or passed on, except <see cref="FlushOutput"/>, so
/// the merge still writes out the lines it holds, every one of them archived.
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
            if (WriteEvent(c.Node, RecordKind.NodeUp)) _merge.Forward(c);
        });
        Receive<MergeActor.NodeDisconnected>(d =>
        {
            if (WriteEvent(d.Node, RecordKind.NodeDown)) _merge.Forward(d);
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
            foreach (var record in batch.Records) _formatter.Write(new OutputItem(batch.Node, record), _buffer);
            ArchiveFormat.WriteMarker(_buffer, batch.Node, batch.Incarnation, batch.Seq, batch.Records.Count);
            if (!Append()) return;
            _batches++;
            _records += batch.Records.Count;
        }
        write.To.Tell(write.Reply, Sender);
        if (write.Batch is not null) _merge.Tell(new MergeActor.AcceptedBatch(write.Batch));
    }

    private bool WriteEvent(string node, RecordKind kind)
    {
        _buffer.ResetWrittenCount();
        _formatter.Write(new OutputItem(node, new NodeRecord(kind, null, OutputStream.Stdout, 0, DateTime.UtcNow, default)), _buffer);
        return Append();
    }

    /// <summary>Writes and flushes the buffer; false, once and for good, when the file cannot take it.</summary>
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
