using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Tests.Support;

namespace Chorus.Aggregator.Tests.Remoting;

/// <summary>Akka.Remote with TLS on, as both executables start it, meeting a peer that fails the handshake.</summary>
public sealed class TlsRemotingTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("chorus-test");
    private readonly TcpListener _hangsUp = new(IPAddress.Loopback, 0);

    [Fact]
    public async Task A_failed_outbound_TLS_handshake_ends_neither_the_actor_system_nor_its_remoting()
    {
        var (cert, key) = _ca.Issue("aggregator");
        using var system = RemoteSystem.Start(HoconFiles.Load("aggregator.conf", "wire.conf"), "--listen", new HostPort("127.0.0.1", 0),
            TlsIdentity.Load(cert, key, _ca.CaFile));
        // Accepts TCP and hangs up at once: the connection is made, then the TLS handshake fails, which makes
        // Akka.Remote run coordinated shutdown. An aggregator dialling a node back could meet this any day.
        _hangsUp.Start();
        using var stop = new CancellationTokenSource();
        var hangingUp = HangUpOnEveryoneAsync(stop.Token);

        system.ActorSelection($"akka.ssl.tcp://chorus@{_hangsUp.LocalEndpoint}/user/anyone").Tell(new Identify(1));

        var shutdown = CoordinatedShutdown.Get(system);
        await Eventually.True(() => shutdown.ShutdownReason is not null, TimeSpan.FromSeconds(30));
        await shutdown.Run(CoordinatedShutdown.UnknownReason.Instance); // the run already started: waits for all its phases
        Assert.False(system.WhenTerminated.IsCompleted);
        // And remoting still serves: a peer with a certificate of the CA reaches the one path untrusted-mode lets through.
        var ingest = system.ActorOf(Props.Empty, "ingest");
        var (peerCert, peerKey) = _ca.Issue("peer");
        using var peer = RemoteSystem.Start(HoconFiles.Load("node.conf", "wire.conf"), "--listen", new HostPort("127.0.0.1", 0),
            TlsIdentity.Load(peerCert, peerKey, _ca.CaFile));
        var identity = await peer.ActorSelection($"akka.ssl.tcp://chorus@{RemoteSystem.BoundAddress(system)}/user/ingest")
            .Ask<ActorIdentity>(new Identify(2), TimeSpan.FromSeconds(30));
        Assert.Equal(ingest.Path.Name, identity.Subject?.Path.Name);

        await stop.CancelAsync();
        await hangingUp;
        await peer.Terminate();
        await system.Terminate();
    }

    private async Task HangUpOnEveryoneAsync(CancellationToken stop)
    {
        try
        {
            while (true) (await _hangsUp.AcceptTcpClientAsync(stop)).Dispose();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _hangsUp.Dispose();
        _ca.Dispose();
    }
}
