using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Chorus.Hosting;

/// <summary>
/// Akka's scheduler (akka.scheduler.implementation in hocon/wire.conf) on .NET's own timer queue: each scheduled
/// message or action is one <see cref="Timer"/>, so the process wakes when something is due and never otherwise.
/// Akka's default, the hashed wheel, wakes every tick-duration (10 ms) whether or not anything is due: measured on
/// an idle node and an idle aggregator (bench/idle.sh), those 100 wake-ups a second, each handed to a thread-pool
/// worker, were about two thirds of their idle CPU (3-4 % of a core each). Timers fire within about a
/// millisecond of their due time, where the wheel rounds up to its 10 ms tick.
/// </summary>
public sealed class TimerQueueScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    // A Timer nobody references is collected and never fires: every pending one is held here until it is done.
    private readonly ConcurrentDictionary<Timer, byte> _pending = new(ReferenceEqualityComparer.Instance);
    private static readonly long Started = Stopwatch.GetTimestamp();
    private readonly ILoggingAdapter _log;
    private volatile bool _disposed;

    public TimerQueueScheduler(Config scheduler, ILoggingAdapter log) : base(scheduler, log) => _log = log;

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

    private void Schedule(TimeSpan delay, TimeSpan? interval, Action action, ICancelable? cancelable)
    {
        if (_disposed || cancelable?.IsCancellationRequested == true) return;
        Timer? timer = null;
        timer = new Timer(_ =>
        {
            if (_disposed || cancelable?.IsCancellationRequested == true)
            {
                Forget(timer!);
                return;
            }
            if (interval is null) Forget(timer!);
            try
            {
                action();
            }
            catch (Exception e)
            {
                // As Akka's own scheduler does: a failing task is logged, and neither ends the process nor stops the others.
                _log.Error(e, "A scheduled task failed.");
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pending[timer] = 0;
        // A cancelled timer goes at once: actors cancel most of theirs (a batch's flush, a join's retry) long before they are due.
        cancelable?.Token.Register(static state =>
        {
            var (self, cancelled) = ((TimerQueueScheduler, Timer))state!;
            self.Forget(cancelled);
        }, (this, timer));
        try
        {
            timer.Change(delay, interval ?? Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Cancelled (or the scheduler disposed) between its creation and its start: nothing to run.
        }
    }

    private void Forget(Timer timer)
    {
        if (_pending.TryRemove(timer, out _)) timer.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var timer in _pending.Keys) Forget(timer);
    }
}
