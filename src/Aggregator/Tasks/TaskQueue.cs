using Akka.Actor;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// What HTTP asks of the task queue (as <see cref="Control.FleetControl"/> is for actions): changes go through the
/// <see cref="TaskQueueActor"/>, which decides; reads come from the <see cref="TaskStore"/>, where every change is
/// written before it is told, so a reader never waits for the queue.
/// </summary>
public sealed class TaskQueue(IActorRef queue, TaskStore store, TimeSpan timeout)
{
    /// <summary>The queued task, or <see cref="TaskQueueActor.Refused"/>.</summary>
    public Task<object> SubmitAsync(TaskRequest request) => queue.Ask<object>(new TaskQueueActor.Submit(request), timeout);

    /// <summary>The task (cancelled, or being stopped where it runs), <see cref="TaskQueueActor.Unknown"/> or <see cref="TaskQueueActor.Refused"/> (over).</summary>
    public Task<object> CancelAsync(string id) => queue.Ask<object>(new TaskQueueActor.Cancel(id), timeout);

    public Task<TaskGroup> SetGroupAsync(TaskGroup group) => queue.Ask<TaskGroup>(new TaskQueueActor.SetGroup(group), timeout);

    public Task<IReadOnlyList<TaskGroup>> GroupsAsync() => queue.Ask<IReadOnlyList<TaskGroup>>(new TaskQueueActor.ListGroups(), timeout);

    public IReadOnlyList<TaskInfo> Tasks() => store.Tasks();

    public TaskInfo? Find(string id) => store.Find(id);

    /// <summary>What the task printed, as the stream's items; null for an unknown id.</summary>
    public IReadOnlyList<OutputItem>? Log(string id) => store.Log(id);
}
