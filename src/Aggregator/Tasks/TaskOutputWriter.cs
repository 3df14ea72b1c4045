using Akka.Actor;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// The task log sink's writer: what tasks do on their nodes, learnt from the merged stream. Lines of processes named
/// task-ID go to the <see cref="TaskStore"/>, one transaction per chunk, on this sink's own thread (never the
/// merge's); started, exited and node-down go to the <see cref="TaskQueueActor"/>. Folded-away lines are kept too: the
/// log holds every node's line. The chunk's text is a slice of a buffer the merge shares with every sink, so what is
/// kept is copied. Times told are the node's, put on the aggregator's clock (as the stream is ordered), so a node's start
/// and end compare with the task's. The queue is an <see cref="ICanTell"/>: Program.cs names it by path, since it is made after the merge
/// that this sink feeds. A chunk's lines are stored before its events are told, so a task seen to end has its lines kept.
/// </summary>
public sealed class TaskOutputWriter(TaskStore store, ICanTell queue) : IOutputWriter
{
    public void Write(IReadOnlyList<OutputItem> items)
    {
        List<OutputItem>? lines = null;
        List<object>? events = null;
        foreach (ref readonly var item in items.InPlace())
        {
            var record = item.Record;
            if (record.Kind == RecordKind.NodeDown)
            {
                (events ??= []).Add(new TaskQueueActor.NodeWentDown(item.Node));
                continue;
            }
            if (record.Process is not { } process || !process.StartsWith(TaskInfo.ProcessPrefix, StringComparison.Ordinal)) continue;
            var id = process[TaskInfo.ProcessPrefix.Length..];
            switch (record.Kind)
            {
                case RecordKind.Line:
                    (lines ??= []).Add(item with { Record = record with { Text = record.Text.ToArray() } });
                    break;
                case RecordKind.Started:
                    (events ??= []).Add(new TaskQueueActor.ProcessStarted(item.Node, id, item.CorrectedTimestamp));
                    break;
                case RecordKind.Exited:
                    (events ??= []).Add(new TaskQueueActor.ProcessExited(item.Node, id, record.ExitCode, record.Signal, item.CorrectedTimestamp));
                    break;
            }
        }
        if (lines is not null) store.AddLines(lines);
        foreach (var message in events ?? []) queue.Tell(message, ActorRefs.NoSender);
    }
}
