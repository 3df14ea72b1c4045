using Akka.Actor;
using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>Starts the "chorus" ActorSystem with remoting, and tells where it really listens.</summary>
public static class RemoteSystem
{
    public const string Name = "chorus";

    /// <summary>Starts the system with remoting bound to <paramref name="listen"/>, which overrides the config's address.</summary>
    public static ActorSystem Start(Config config, string flag, HostPort listen)
    {
        var bound = ConfigurationFactory.ParseString(
                $"akka.remote.dot-netty.tcp {{ hostname = {HoconFiles.Quote(listen.Host)}, port = {listen.Port} }}")
            .WithFallback(config);
        try
        {
            return ActorSystem.Create(Name, bound);
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
