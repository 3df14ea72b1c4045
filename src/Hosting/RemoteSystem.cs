using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Chorus.Hosting.Security;

namespace Chorus.Hosting;

/// <summary>Starts the "chorus" ActorSystem with remoting, and tells where it really listens.</summary>
public static class RemoteSystem
{
    public const string Name = "chorus";

    /// <summary>
    /// Starts the system with remoting bound to <paramref name="listen"/>, which overrides the config's address,
    /// and encrypted with mutual TLS when <paramref name="tls"/> is given (see <see cref="RemotingTls"/>).
    /// </summary>
    /// <param name="checkServerName">With TLS: the peers this system dials must present certificates naming the host dialled (a node's view of the aggregator).</param>
    public static ActorSystem Start(Config config, string flag, HostPort listen, TlsIdentity? tls = null, bool checkServerName = false)
    {
        var bound = ConfigurationFactory.ParseString(
                $"akka.remote.dot-netty.tcp {{ hostname = {HoconFiles.Quote(listen.Host)}, port = {listen.Port} }}")
            .WithFallback(config);
        var bootstrap = BootstrapSetup.Create().WithConfig(tls is null ? bound : RemotingTls.Hocon.WithFallback(bound));
        var setup = tls is null ? ActorSystemSetup.Create(bootstrap) : ActorSystemSetup.Create(bootstrap, RemotingTls.Setup(tls, checkServerName));
        try
        {
            return ActorSystem.Create(Name, setup);
        }
        catch (Exception e)
        {
            var cause = e.GetBaseException().Message;
            throw new CannotListenException(
                $"cannot listen on {listen} ({cause}). Pick a free port with {flag} HOST:PORT, or port 0 for any free port.", e);
        }
    }

    /// <summary>"akka.ssl.tcp" with TLS, else "akka.tcp": the scheme of this system's actor paths, and of its peers'.</summary>
    public static string Protocol(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol;

    /// <summary>The address remoting is bound to, with the real port when port 0 was asked for.</summary>
    public static HostPort BoundAddress(ActorSystem system)
    {
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        return new HostPort(address.Host!, address.Port!.Value);
    }
}
