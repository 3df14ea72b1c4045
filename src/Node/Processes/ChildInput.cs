using System.IO.Pipes;
using System.Threading.Channels;

namespace Chorus.Node.Processes;

/// <summary>What became of bytes handed to <see cref="ChildInput.TryWrite"/>.</summary>
public enum InputOutcome
{
    Written,
    /// <summary>The process ended (or the node let its stdin go) before they were written.</summary>
    NotRunning,
    /// <summary>The process closed its end of the pipe: nothing reads its stdin any more.</summary>
    ClosedByProcess,
}

/// <summary>
/// The node's end of a child's stdin (spec <c>stdin = true</c>). Writes go through one thread of its own, so the
/// actor that asks never waits: a child that does not read fills the pipe, then up to
/// <see cref="MaxPendingBytes"/> wait here, and beyond that a write is refused (<see cref="TryWrite"/> gives null).
/// The thread waits for room with poll() and a short timeout and writes at most PIPE_BUF bytes at a time, which
/// a pipe with room takes without blocking: so <see cref="Close"/> is seen within one poll interval, even when
/// the pipe is held by a process that never reads, and no thread stays stuck in write().
/// </summary>
public sealed class ChildInput
{
    /// <summary>Input accepted but not yet in the pipe, at most; more is refused ("stdin-full").</summary>
    public const int MaxPendingBytes = 64 * 1024;

    // Linux's PIPE_BUF: a write this small into a pipe that poll() says has room never blocks.
    private const int AtomicWrite = 4096;

    private readonly Stream _pipe;
    private readonly TimeSpan _pollInterval;
    private readonly Func<bool> _running;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private long _pendingBytes;
    private volatile bool _closed;

    /// <param name="running">Whether the process still runs: a pipe whose reader is gone because the process died says not-running, not closed.</param>
    public ChildInput(Stream pipe, Func<bool> running, TimeSpan pollInterval)
    {
        _running = running;
        _pipe = pipe;
        _pollInterval = pollInterval;
        new Thread(WriteLoop) { IsBackground = true, Name = "chorus-stdin" }.Start();
    }

    private sealed record Pending(byte[] Bytes, TaskCompletionSource<InputOutcome> Done);

    /// <summary>Queues <paramref name="bytes"/>; the task ends once they are in the pipe (or cannot be). Null: too much waits already.</summary>
    public Task<InputOutcome>? TryWrite(byte[] bytes)
    {
        if (Interlocked.Add(ref _pendingBytes, bytes.Length) > MaxPendingBytes)
        {
            Interlocked.Add(ref _pendingBytes, -bytes.Length);
            return null;
        }
        var done = new TaskCompletionSource<InputOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(bytes, done))) done.SetResult(InputOutcome.NotRunning);
        return done.Task;
    }

    /// <summary>Stop writing: what waits is answered <see cref="InputOutcome.NotRunning"/>, and the pipe is closed (the child reads EOF).</summary>
    public void Close()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    private void WriteLoop()
    {
        var outcome = InputOutcome.Written;
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (_queue.Reader.TryRead(out var pending))
                {
                    if (outcome == InputOutcome.Written) outcome = Write(pending.Bytes);
                    Interlocked.Add(ref _pendingBytes, -pending.Bytes.Length);
                    pending.Done.SetResult(outcome);
                }
            }
        }
        finally
        {
            // This thread is the pipe's only user: closing it here never pulls it from under a poll().
            try
            {
                _pipe.Dispose();
            }
            catch (IOException)
            {
                // The reader is gone; nothing was left to flush.
            }
        }
    }

    private InputOutcome Write(byte[] bytes)
    {
        try
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                if (_closed) return InputOutcome.NotRunning;
                if (!WaitWritable()) continue;
                var count = Math.Min(AtomicWrite, bytes.Length - offset);
                _pipe.Write(bytes, offset, count);
                offset += count;
            }
            return InputOutcome.Written;
        }
        catch (IOException)
        {
            // EPIPE (the runtime ignores SIGPIPE, so the write says it), or poll failed.
            return _running() ? InputOutcome.ClosedByProcess : InputOutcome.NotRunning;
        }
        catch (ObjectDisposedException)
        {
            return InputOutcome.NotRunning; // the process was disposed while this write waited
        }
    }

    // Room, or the reader is gone (POLLERR): the write says which.
    private bool WaitWritable() =>
        _pipe is not PipeStream { SafePipeHandle: var handle } // not an OS pipe (a test's stream): a write never blocks long
        || DescriptorPoll.Wait((int)handle.DangerousGetHandle(), DescriptorPoll.Out, _pollInterval);
}
