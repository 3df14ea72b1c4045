using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Chorus.Hosting.Security;

namespace Chorus.Hosting;

/// <summary>
/// Akka's logger, pointed at stderr: stdout carries only the merged stream, so Akka's default logger
/// (which writes to stdout) must never be used. Configured in hocon/wire.conf as akka.loggers.
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private static void Write(LogEvent e)
    {
        // Remoting warns on every failed connection attempt; the uplink already says so once, in plain words.
        if (e.LogLevel() == LogLevel.WarningLevel && e.LogSource.StartsWith("remoting", StringComparison.Ordinal))
            return;
        if (TlsHandshakeLog.Handle(e)) return;
        var level = e.LogLevel() switch
        {
            LogLevel.ErrorLevel => "error",
            LogLevel.WarningLevel => "warning",
            LogLevel.InfoLevel => "info",
            _ => "debug",
        };
        var cause = e is Error { Cause: { } exception } ? $" ({exception.GetType().Name}: {exception.Message})" : "";
        Console.Error.WriteLine($"chorus [{level}] {e.Message}{cause}");
    }
}
