using Akka.Actor;

namespace Chorus.Hosting.Security;

/// <summary>
/// Supervision of the top-level actors (/user/ingest, /user/node, ...) and of the node's children
/// (/user/node/uplink, its processes), which NodeActor supervises the same way. In Akka.NET 1.5.74 <see cref="Kill"/>
/// is not marked possibly harmful, so untrusted-mode lets a remote peer deliver it, even by selection to a
/// trusted path; the default strategy would then stop the actor. Chorus never kills its own actors, so a
/// Kill is always from outside: the actor resumes with its state. Any other failure is handled as by default.
/// Configured in hocon/wire.conf as akka.actor.guardian-supervisor-strategy.
/// </summary>
public sealed class KillResistantGuardianStrategy : SupervisorStrategyConfigurator
{
    public override SupervisorStrategy Create() => new OneForOneStrategy(cause => cause switch
    {
        ActorKilledException => Directive.Resume,
        _ => SupervisorStrategy.DefaultDecider.Decide(cause),
    });
}
