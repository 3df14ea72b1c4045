using Akka.Actor;
using Akka.Event;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Every sink's actor, around one <see cref="IOutputWriter"/>, at /user/NAME (stdout, live-feed,
/// status-board). Receives <see cref="OutputChunk"/> from the merge and hands it to the writer, then reports
/// it to <see cref="PendingOutput"/> as finished; answers <see cref="FlushOutput"/> with
/// <see cref="OutputFlushed"/> once every earlier chunk is written. An actor per sink, so a slow or blocked
/// writer holds up neither the merge nor another sink; one that may block runs on a thread of its own
/// (a pinned dispatcher, say chorus.stdout-dispatcher).
/// </summary>
public sealed class SinkActor : ReceiveActor
{
    private readonly IOutputWriter _writer;
    private readonly PendingOutput.Sink _pending;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SinkActor(IOutputWriter writer, PendingOutput.Sink pending)
    {
        _writer = writer;
        _pending = pending;
        Receive<OutputChunk>(Write);
        Receive<FlushOutput>(_ => Sender.Tell(new OutputFlushed()));
    }

    /// <param name="dispatcher">A dispatcher of the configuration, for a writer that may block; null for the default.</param>
    public static Props Props(IOutputWriter writer, PendingOutput.Sink pending, string? dispatcher = null)
    {
        var props = Akka.Actor.Props.Create(() => new SinkActor(writer, pending));
        return dispatcher is null ? props : props.WithDispatcher(dispatcher);
    }

    private void Write(OutputChunk chunk)
    {
        try
        {
            _writer.Write(chunk);
        }
        catch (OutputClosedException e)
        {
            _log.Warning("{0}", e.Message);
        }
        catch (Exception e)
        {
            _log.Error("The {0} sink failed on {1} record(s), which it is missing ({2}: {3}); it carries on with the next.",
                _pending.Name, chunk.Count, e.GetType().Name, e.Message);
        }
        finally
        {
            // Whatever the writer did: a chunk never reported would stay counted as pending and, once such
            // leaks reached half the bound, hold every node back for good.
            _pending.Finished(chunk);
        }
    }
}
