using Akka.Event;
using Chorus.Hosting.Security;

namespace Chorus.Hosting;

/// <summary>
/// What one of Akka's log events says on stderr: the same voice as our own lines (<see cref="Notice"/>), at the
/// level Akka gave it, or nothing when it is Akka's own noise that a person can neither act on nor learn from.
/// </summary>
public static class AkkaLog
{
    public static void Write(LogEvent e)
    {
        // A failed TLS handshake becomes one plain line of its own.
        if (TlsHandshakeLog.Handle(e)) return;
        if (Render(e) is var (level, text)) Notice.Write(level, text);
    }

    /// <summary>The level and text of the event's line; null when it is noise (link churn, shutdown).</summary>
    public static (NoticeLevel Level, string Text)? Render(LogEvent e)
    {
        if (IsLinkChurn(e) || IsShutdownNoise(e)) return null;
        var level = e.LogLevel() switch
        {
            LogLevel.ErrorLevel => NoticeLevel.Error,
            LogLevel.WarningLevel => NoticeLevel.Warning,
            LogLevel.InfoLevel => NoticeLevel.Notice,
            _ => NoticeLevel.Debug,
        };
        var cause = e is Error { Cause: { } exception } ? $" ({exception.GetType().Name}: {exception.Message})" : "";
        return (level, $"{e.Message}{cause}");
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
                // "No response from remote." (a handshake) and "... for outbound association." (an association
                // attempt timed out while the link was down): both are a link not there yet.
                || StartsWith(e, "No response from remote")));

    /// <summary>
    /// The DotNetty transport warns "Unable to REMOVE channel ... May not shut down cleanly" when a connection
    /// closes while the system stops, which is most exits of a node: nothing is lost (every line was acknowledged
    /// before the system stopped), so it is not a warning to anyone.
    /// </summary>
    private static bool IsShutdownNoise(LogEvent e) =>
        e.LogClass?.Namespace == "Akka.Remote.Transport.DotNetty" && StartsWith(e, "Unable to REMOVE channel");

    private static bool StartsWith(LogEvent e, string text) => e.Message?.ToString()?.StartsWith(text, StringComparison.Ordinal) == true;
}
