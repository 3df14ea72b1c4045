namespace Chorus.Hosting.Security;

/// <summary>
/// Lines about failed TLS handshakes, on stderr as errors (a peer was refused, or refused us: someone must fix a
/// certificate), at most one per interval with the count of those held back.
/// A stranger can fail handshakes as fast as it can connect: that must not become as many log lines.
/// Thread-safe: handshakes are checked on the transport's I/O threads.
/// </summary>
public static class TlsNotice
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly Lock Gate = new();
    private static DateTime _lastWritten = DateTime.MinValue;
    private static long _heldBack;

    public static void Write(string message)
    {
        long heldBack;
        lock (Gate)
        {
            var now = DateTime.UtcNow;
            if (now - _lastWritten < Interval)
            {
                _heldBack++;
                return;
            }
            (_lastWritten, heldBack, _heldBack) = (now, _heldBack, 0);
        }
        Notice.Error(heldBack > 0 ? $"{message} ({heldBack} more failed TLS handshakes in the last {Interval.TotalSeconds:0} s not shown)" : message);
    }
}
