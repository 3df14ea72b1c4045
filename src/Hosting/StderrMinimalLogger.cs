using Akka.Event;

namespace Chorus.Hosting;

/// <summary>
/// Akka's fallback logger, which it uses while <see cref="StderrLogger"/> is not running (before the system has
/// started it, after it has stopped it). Akka's own fallback writes to stdout, where a stray line at exit would
/// land in the stream; this one writes to stderr in our voice. Configured in hocon/wire.conf as akka.stdout-logger-class.
/// </summary>
public sealed class StderrMinimalLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent e) AkkaLog.Write(e);
    }
}
