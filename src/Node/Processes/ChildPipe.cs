using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Chorus.Node.Processes;

/// <summary>
/// The node's end of one of a child's pipes, read by one <see cref="PipeSource"/>. Two things a plain stream
/// cannot do:
/// - say how far the writers had got (<see cref="BytesWritten"/>: what was read plus what waits in the pipe,
///   taken together under the reader's lock, so a read in between is neither lost nor counted twice). The
///   process actor marks the moment a leader exits with it: lines up to that point come before "exited".
/// - stop reading (<see cref="Abandon"/>): the reader waits for data with poll() and a short timeout rather
///   than in a blocking read(), so a pipe held open by a process outside the group (one that called setsid
///   itself) never pins a thread, an actor or the node's exit.
/// </summary>
public sealed partial class ChildPipe(Stream pipe, TimeSpan pollInterval) : IDisposable
{
    private const int FionRead = 0x541B;

    private readonly Lock _gate = new();
    private long _bytesRead;
    private volatile bool _abandoned;

    /// <summary>Everything written into the pipe so far: what the reader took and what still waits in it.</summary>
    public long BytesWritten()
    {
        lock (_gate) return _bytesRead + Waiting();
    }

    /// <summary>Stop reading: the reader sees the end of the pipe within one poll interval (pipe-poll-interval).</summary>
    public void Abandon() => _abandoned = true;

    /// <summary>Bytes taken from the pipe so far. Only meaningful once the reader has stopped, or with its lock.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Waits for data and reads it; 0 at the end of the pipe or once abandoned.</summary>
    internal int Read(Span<byte> buffer)
    {
        while (!_abandoned)
        {
            if (!WaitReadable()) continue;
            lock (_gate)
            {
                // poll said readable (data, or the writers are gone): this read does not block.
                var read = pipe.Read(buffer);
                _bytesRead += read;
                return read;
            }
        }
        return 0;
    }

    public void Dispose() => pipe.Dispose();

    private bool WaitReadable()
    {
        if (Descriptor() is not { } fd) return true; // not an OS pipe (a test's stream): a read never blocks long
        // Readable, hung up or failed: the read says which.
        return DescriptorPoll.Wait(fd, DescriptorPoll.In, pollInterval);
    }

    private long Waiting()
    {
        try
        {
            if (Descriptor() is not { } fd) return 0;
            return Ioctl(fd, FionRead, out var waiting) == 0 ? waiting : 0;
        }
        catch (ObjectDisposedException)
        {
            return 0; // the reader reached the end and closed it: nothing waits
        }
    }

    private int? Descriptor() => pipe is PipeStream { SafePipeHandle: var handle } ? (int)handle.DangerousGetHandle() : null;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, out int value);
}
