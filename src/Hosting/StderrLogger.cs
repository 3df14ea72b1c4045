using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Chorus.Hosting;

/// <summary>
/// Akka's logger, pointed at stderr through <see cref="AkkaLog"/>: stdout carries only the merged stream, so
/// Akka's default logger (which writes to stdout) must never be used. Configured in hocon/wire.conf as akka.loggers.
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(AkkaLog.Write);
    }
}
