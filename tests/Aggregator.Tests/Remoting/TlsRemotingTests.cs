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
    public async Task A_failed_outbound_TLS_handshake_does_not_end_the_actor_system()
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
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        Assert.Equal("still here", await echo.Ask<string>("still here", TimeSpan.FromSeconds(10)));

        await stop.CancelAsync();
        await hangingUp;
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

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    public void Dispose()
    {
        _hangsUp.Dispose();
        _ca.Dispose();
    }
}
