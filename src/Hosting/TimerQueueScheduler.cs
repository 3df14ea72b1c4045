using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Chorus.Hosting;

/// <summary>
/// Akka's scheduler (akka.scheduler.implementation in hocon/wire.conf) that sleeps until the next thing is due:
/// one thread, a queue ordered by due time, and a wait that ends when the earliest entry is due or an earlier one
/// arrives. Akka's default, the hashed wheel, wakes every tick-duration (10 ms) whether or not anything is due:
/// measured on an idle node and an idle aggregator (bench/idle.sh), those 100 wake-ups a second were about two
/// thirds of their idle CPU (3-4 % of a core each). Like the wheel, it runs what is due on its own thread (a Tell
/// only enqueues): a first version on .NET's timers ran them on the thread pool, which is starved while a node
/// starts, and a node took half a second longer to join (bench/join.sh). Entries fire within about a
/// millisecond of their due time, where the wheel rounds up to its tick.
/// </summary>
public sealed class TimerQueueScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private static readonly long Started = Stopwatch.GetTimestamp();
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    private readonly ILoggingAdapter _log;
    private readonly PriorityQueue<Entry, long> _due = new();
    private readonly object _lock = new(); // Monitor.Wait and Pulse: the thread sleeps on it
    private readonly Thread _thread;
    private bool _disposed;

    public TimerQueueScheduler(Config scheduler, ILoggingAdapter log) : base(scheduler, log)
    {
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "chorus-scheduler" };
        _thread.Start();
    }

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;
    // Time since the scheduler started, never going back: what Akka measures intervals with.
    public override TimeSpan MonotonicClock => Stopwatch.GetElapsedTime(Started);
    public override TimeSpan HighResMonotonicClock => Stopwatch.GetElapsedTime(Started);

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, null, () => receiver.Tell(message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender,
        ICancelable cancelable) =>
        Schedule(initialDelay, interval, () => receiver.Tell(message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) => Schedule(delay, null, action, cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) => Schedule(delay, null, action.Run, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action.Run, cancelable);

    private static long Now => Stopwatch.GetTimestamp();

    // Saturates: a delay too long to count in timestamps (TimeSpan.MaxValue, say) is never due, rather than overflowing into the past.
    private static long After(long from, TimeSpan delay)
    {
        var ticks = delay.TotalSeconds * Stopwatch.Frequency;
        return ticks >= long.MaxValue - from ? long.MaxValue : from + (long)ticks;
    }

    private void Schedule(TimeSpan delay, TimeSpan? interval, Action action, ICancelable? cancelable)
    {
        if (cancelable?.IsCancellationRequested == true) return;
        var entry = new Entry(action, interval, cancelable);
        lock (_lock)
        {
            if (_disposed) return;
            var due = After(Now, delay);
            var earliest = _due.TryPeek(out _, out var head) ? head : long.MaxValue;
            _due.Enqueue(entry, due);
            // Only an entry due before the one the thread waits for needs to wake it.
            if (due < earliest) Monitor.Pulse(_lock);
        }
    }

    private void Run()
    {
        var ready = new List<Entry>();
        while (true)
        {
            lock (_lock)
            {
                while (!_disposed)
                {
                    if (!_due.TryPeek(out _, out var due))
                    {
                        Monitor.Wait(_lock);
                        continue;
                    }
                    if (due == long.MaxValue)
                    {
                        Monitor.Wait(_lock);
                        continue;
                    }
                    var wait = TimeSpan.FromSeconds((double)(due - Now) / Stopwatch.Frequency);
                    if (wait <= TimeSpan.Zero) break;
                    // Monitor.Wait takes at most int.MaxValue ms (24.8 days) and throws beyond: a far entry is waited for in steps.
                    Monitor.Wait(_lock, TimeSpan.FromMilliseconds(Math.Clamp(wait.TotalMilliseconds, 1, LongestWait.TotalMilliseconds)));
                }
                if (_disposed) return;
                var now = Now;
                while (_due.TryPeek(out var entry, out var due) && due <= now)
                {
                    _due.Dequeue();
                    if (entry.Cancelable?.IsCancellationRequested == true) continue;
                    ready.Add(entry);
                    if (entry.Interval is { } interval) _due.Enqueue(entry, After(due, interval));
                }
            }
            foreach (var entry in ready) Execute(entry.Action);
            ready.Clear();
        }
    }

    private void Execute(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            // As Akka's own scheduler does: a failing task is logged, and neither ends the process nor stops the others.
            _log.Error(e, "A scheduled task failed.");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _due.Clear();
            Monitor.Pulse(_lock);
        }
    }

    private sealed record Entry(Action Action, TimeSpan? Interval, ICancelable? Cancelable);
}
