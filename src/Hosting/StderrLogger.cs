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
        // A failed TLS handshake becomes one plain line of its own; other link churn is said by the uplink and ingest.
        if (TlsHandshakeLog.Handle(e) || IsLinkChurn(e)) return;
        var level = e.LogLevel() switch
        {
            LogLevel.ErrorLevel => "error",
            LogLevel.WarningLevel => "warning",
            LogLevel.InfoLevel => "info",
            _ => "debug",
        };
        var cause = e is Error { Cause: { } exception } ? $" ({exception.GetType().Name}: {exception.Message})" : "";
        // Escaped: log lines carry what peers sent (node names, addresses), which must not drive the terminal.
        Console.Error.WriteLine($"chorus [{level}] {PrintableText.Escape($"{e.Message}{cause}")}");
    }

    /// <summary>
    /// Remoting reports every failed connection attempt (a warning) and every connection it gives up on (two
    /// errors). Links come and go in normal operation (an aggregator restarts, a network cut heals), and the
    /// uplink and ingest already say so once, in plain words; repeating Akka's lines would only alarm.
    /// </summary>
    private static bool IsLinkChurn(LogEvent e) =>
        (e.LogLevel() == LogLevel.WarningLevel
            && (e.LogSource.StartsWith("remoting", StringComparison.Ordinal) || StartsWith(e, "Association with remote system")))
        || (e.LogLevel() == LogLevel.ErrorLevel
            // Akka.Remote's exception type is internal, so it is known by name.
            && ((e is Error { Cause: { } cause } && cause.GetType().Name == "EndpointDisassociatedException")
                || StartsWith(e, "No response from remote.")));

    private static bool StartsWith(LogEvent e, string text) => e.Message?.ToString()?.StartsWith(text, StringComparison.Ordinal) == true;
}
