using System.Runtime.InteropServices;

namespace Chorus.Node.Processes;

/// <summary>
/// poll() on one descriptor of a child's pipe, with a timeout: how the pipe readers and the stdin writer wait
/// without ever blocking in read() or write() for good (a pipe held by a process that never reads or writes
/// would otherwise pin their thread).
/// </summary>
internal static partial class DescriptorPoll
{
    public const short In = 0x1;
    public const short Out = 0x4;
    private const int Interrupted = 4; // EINTR

    /// <summary>True once the descriptor is ready for <paramref name="events"/> or hung up or failed (the next read or write says which).</summary>
    public static bool Wait(int fd, short events, TimeSpan timeout)
    {
        var poll = new PollFd { Fd = fd, Events = events };
        var ready = Poll(ref poll, 1, (int)timeout.TotalMilliseconds);
        if (ready < 0 && Marshal.GetLastPInvokeError() != Interrupted)
            throw new IOException($"poll() on a child's pipe failed (errno {Marshal.GetLastPInvokeError()}).");
        return ready > 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);
}
