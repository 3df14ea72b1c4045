using Akka.Actor;
using Chorus.Aggregator.Formatting;
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
    public void Write(OutputChunk chunk)
    {
        List<OutputItem>? lines = null;
        List<object>? events = null;
        foreach (var run in chunk.Runs)
        {
            // Nearly every record is of a service, not a task: a run's records of one process are asked about once.
            string? lastProcess = null;
            var isTask = false;
            var index = -1;
            foreach (ref readonly var record in run)
            {
                index++;
                if (record.Kind == RecordKind.NodeDown)
                {
                    (events ??= []).Add(new TaskQueueActor.NodeWentDown(run.Node));
                    continue;
                }
                if (record.Process is not { } process) continue;
                if (!ReferenceEquals(process, lastProcess))
                    (lastProcess, isTask) = (process, process.StartsWith(TaskInfo.ProcessPrefix, StringComparison.Ordinal));
                if (!isTask) continue;
                var corrected = record.Timestamp.AddTicks(run.CorrectionTicks);
                switch (record.Kind)
                {
                    case RecordKind.Line:
                        var item = run.Item(index);
                        (lines ??= []).Add(item with { Record = record with { Text = record.Text.ToArray() } });
                        break;
                    case RecordKind.Started:
                        (events ??= []).Add(new TaskQueueActor.ProcessStarted(run.Node, TextFormatter.TaskId(process), corrected));
                        break;
                    case RecordKind.Exited:
                        (events ??= []).Add(new TaskQueueActor.ProcessExited(run.Node, TextFormatter.TaskId(process), record.ExitCode, record.Signal, corrected));
                        break;
                }
            }
        }
        if (lines is not null) store.AddLines(lines);
        foreach (var message in events ?? []) queue.Tell(message, ActorRefs.NoSender);
    }
}
