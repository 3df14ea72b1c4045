using Akka.Actor;
using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>Starts the "chorus" ActorSystem with remoting, and tells where it really listens.</summary>
public static class RemoteSystem
{
    public const string Name = "chorus";

    public static ActorSystem Start(Config config, string flag, HostPort listen)
    {
        try
        {
            return ActorSystem.Create(Name, config);
        }
        catch (Exception e)
        {
            var cause = e.GetBaseException().Message;
            throw new CannotListenException(
                $"cannot listen on {listen} ({cause}). Pick a free port with {flag} HOST:PORT, or port 0 for any free port.", e);
        }
    }

    /// <summary>The address remoting is bound to, with the real port when port 0 was asked for.</summary>
    public static HostPort BoundAddress(ActorSystem system)
    {
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        return new HostPort(address.Host!, address.Port!.Value);
    }
}
