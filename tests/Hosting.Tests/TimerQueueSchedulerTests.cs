using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;

namespace Chorus.Hosting.Tests;

/// <summary>The scheduler Chorus runs Akka on (hocon/wire.conf): due messages arrive, cancelled ones never do.</summary>
public sealed class TimerQueueSchedulerTests()
    : TestKit(ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Chorus.Hosting.TimerQueueScheduler, Chorus.Hosting\""))
{
    [Fact]
    public void The_system_runs_on_it()
    {
        Assert.IsType<TimerQueueScheduler>(Sys.Scheduler);
    }

    [Fact]
    public async Task A_message_arrives_after_its_delay()
    {
        var started = DateTime.UtcNow;
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, "due", ActorRefs.NoSender);

        await ExpectMsgAsync("due", TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(95), "arrived before its delay");
    }

    [Fact]
    public async Task A_cancelled_message_never_arrives()
    {
        var cancelled = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(100), TestActor, "cancelled", ActorRefs.NoSender);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(300), TestActor, "later", ActorRefs.NoSender);
        cancelled.Cancel();

        await ExpectMsgAsync("later", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_repeated_message_repeats_until_cancelled()
    {
        var repeating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), TestActor, "tick", ActorRefs.NoSender);
        for (var i = 0; i < 3; i++) await ExpectMsgAsync("tick", TimeSpan.FromSeconds(5));
        repeating.Cancel();
        // One may already be on its way when it is cancelled; after that, none.
        ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m as string);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData(10675199.0)] // TimeSpan.MaxValue, in days: never due
    [InlineData(30.0)] // due, but further than one wait of the thread can reach (24.8 days)
    public async Task A_message_due_in_the_far_future_does_not_arrive_now_nor_hold_up_the_others(double days)
    {
        var far = days >= TimeSpan.MaxValue.TotalDays ? TimeSpan.MaxValue : TimeSpan.FromDays(days);
        Sys.Scheduler.ScheduleTellOnce(far, TestActor, "never", ActorRefs.NoSender);
        await Task.Delay(100); // the scheduler's thread is waiting for it now
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), TestActor, "soon", ActorRefs.NoSender);

        await ExpectMsgAsync("soon", TimeSpan.FromSeconds(5));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_failing_action_does_not_stop_the_others()
    {
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => throw new InvalidOperationException("boom"));
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), TestActor, "still", ActorRefs.NoSender);

        await ExpectMsgAsync("still", TimeSpan.FromSeconds(5));
    }
}
