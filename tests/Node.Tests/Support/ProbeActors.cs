using Akka.Actor;

namespace Chorus.Node.Tests.Support;

/// <summary>Stand-ins that put a TestKit probe where an actor expects a child or a parent.</summary>
public static class ProbeActors
{
    /// <summary>
    /// Props of a child that hands everything it receives to <paramref name="probe"/>, keeping the sender: a
    /// probe in the place of a child, whose replies go straight to the parent.
    /// </summary>
    public static Props Forwarding(IActorRef probe) => Props.Create(() => new ForwardTo(probe));

    /// <summary>
    /// Starts <paramref name="child"/> as the child <paramref name="name"/> of a parent that hands everything the
    /// child tells it to <paramref name="parent"/>: a probe in the place of a parent. Returns the child.
    /// </summary>
    public static IActorRef ChildOf(ActorSystem system, Props child, string name, IActorRef parent, string parentName = "node")
    {
        var started = new TaskCompletionSource<IActorRef>();
        system.ActorOf(Props.Create(() => new ProbeParent(child, name, parent, started)), parentName);
        return started.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    private sealed class ForwardTo : ReceiveActor
    {
        public ForwardTo(IActorRef target) => ReceiveAny(target.Forward);
    }

    private sealed class ProbeParent : ReceiveActor
    {
        public ProbeParent(Props child, string name, IActorRef parent, TaskCompletionSource<IActorRef> started)
        {
            started.SetResult(Context.ActorOf(child, name));
            ReceiveAny(parent.Forward);
        }
    }
}
