using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Chorus.Hosting.Tests;

/// <summary>Akka's log events on stderr: in our voice, at Akka's level, except the noise no one can act on.</summary>
public sealed class AkkaLogTests
{
    [Fact]
    public void A_warning_is_a_warning_line()
    {
        Assert.Equal((NoticeLevel.Warning, "mailbox is large"), AkkaLog.Render(new Warning("akka://chorus/user/x", typeof(AkkaLogTests), "mailbox is large")));
    }

    [Fact]
    public void An_error_names_its_cause()
    {
        var e = new Error(new InvalidOperationException("boom"), "akka://chorus/user/x", typeof(AkkaLogTests), "the actor failed");

        Assert.Equal((NoticeLevel.Error, "the actor failed (InvalidOperationException: boom)"), AkkaLog.Render(e));
    }

    [Fact]
    public void Info_is_a_notice()
    {
        Assert.Equal(NoticeLevel.Notice, AkkaLog.Render(new Info("akka://chorus", typeof(AkkaLogTests), "started"))?.Level);
    }

    [Fact]
    public void The_transports_complaint_about_a_channel_closing_at_shutdown_is_not_shown()
    {
        // Logged by the transport's internal TcpClientHandler; DotNettySslSetup is a public type of the same namespace.
        var e = new Warning("TcpClientHandler (akka://chorus)", typeof(DotNettySslSetup),
            "Unable to REMOVE channel [[::ffff:127.0.0.1]:36038->[::ffff:127.0.0.1]:36133](Id=7c6d7f4e) from connection group. May not shut down cleanly.");

        Assert.Null(AkkaLog.Render(e));
    }

    [Fact]
    public void Remotings_warnings_about_links_coming_and_going_are_not_shown()
    {
        Assert.Null(AkkaLog.Render(new Warning("akka.tcp://chorus@127.0.0.1:4053/system/endpointManager", typeof(AkkaLogTests),
            "Association with remote system akka.tcp://chorus@127.0.0.1:5000 has failed; address is now gated for 1000 ms.")));
    }

    [Theory]
    [InlineData("No response from remote. Handshake timed out or transport failure detector triggered.")]
    // Seen on a node's stderr after a network cut healed (NetworkCutTests): an attempt made during the cut timed out.
    [InlineData("No response from remote for outbound association. Associate timed out after [15000 ms].")]
    public void Remotings_errors_about_a_remote_that_did_not_answer_are_not_shown(string message)
    {
        Assert.Null(AkkaLog.Render(new Error(null, "akka.tcp://chorus@127.0.0.1:4053/system/transports/akkaprotocolmanager.tcp.0",
            typeof(AkkaLogTests), message)));
    }

    [Fact]
    public async Task Both_of_Akkas_loggers_write_to_stderr_never_to_stdout()
    {
        var system = ActorSystem.Create("voice", HoconFiles.Load("wire.conf"));
        try
        {
            Assert.IsType<StderrMinimalLogger>(system.Settings.StdoutLogger);
            Assert.Equal(["Chorus.Hosting.StderrLogger, Chorus.Hosting"], system.Settings.Loggers);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
