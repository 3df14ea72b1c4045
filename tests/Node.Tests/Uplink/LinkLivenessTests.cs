using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class LinkLivenessTests
{
    private static readonly DateTime Joined = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
    private readonly LinkLiveness _liveness = new(linkTimeout: TimeSpan.FromSeconds(5), resendAfter: TimeSpan.FromSeconds(2));

    public LinkLivenessTests() => _liveness.Joined(Joined);

    [Fact]
    public void The_link_is_lost_after_link_timeout_without_a_word_and_any_acknowledgement_counts_as_one()
    {
        Assert.False(_liveness.LinkLost(Joined.AddSeconds(5)));
        Assert.True(_liveness.LinkLost(Joined.AddSeconds(5.1)));

        _liveness.Acknowledged(Joined.AddSeconds(4), progressed: false);

        Assert.False(_liveness.LinkLost(Joined.AddSeconds(8)));
    }

    [Fact]
    public void A_resend_is_due_once_per_resend_after_while_acknowledgements_make_no_progress()
    {
        _liveness.Acknowledged(Joined.AddSeconds(1.5), progressed: false);

        Assert.False(_liveness.ResendDue(Joined.AddSeconds(2)));
        Assert.True(_liveness.ResendDue(Joined.AddSeconds(2.1)));
        Assert.False(_liveness.ResendDue(Joined.AddSeconds(3)));
        Assert.True(_liveness.ResendDue(Joined.AddSeconds(4.2)));
    }

    [Fact]
    public void While_held_back_no_resend_is_due_and_once_let_go_the_resend_clock_starts_afresh()
    {
        _liveness.Held(Joined.AddSeconds(0.5), held: true);

        Assert.False(_liveness.ResendDue(Joined.AddSeconds(30)));
        _liveness.Held(Joined.AddSeconds(30), held: false);
        Assert.False(_liveness.ResendDue(Joined.AddSeconds(31.9)));
        Assert.True(_liveness.ResendDue(Joined.AddSeconds(32.1)));
    }

    [Fact]
    public void Held_back_the_link_still_counts_as_lost_when_nothing_at_all_is_heard()
    {
        // A held node waits on the aggregator's answers to its heartbeats: without them it is a lost link, as ever.
        _liveness.Held(Joined, held: true);

        Assert.True(_liveness.LinkLost(Joined.AddSeconds(5.1)));
    }

    [Fact]
    public void An_acknowledgement_that_makes_progress_puts_the_resend_off()
    {
        _liveness.Acknowledged(Joined.AddSeconds(1.5), progressed: true);

        Assert.False(_liveness.ResendDue(Joined.AddSeconds(3.4)));
        Assert.True(_liveness.ResendDue(Joined.AddSeconds(3.6)));
    }

    [Fact]
    public void Any_word_from_the_aggregator_keeps_the_link_alive()
    {
        _liveness.Heard(Joined.AddSeconds(4));

        Assert.False(_liveness.LinkLost(Joined.AddSeconds(8)));
        Assert.True(_liveness.LinkLost(Joined.AddSeconds(9.1)));
    }

    [Fact]
    public void The_next_tick_comes_no_later_than_the_moment_the_link_would_be_lost()
    {
        var idle = TimeSpan.FromSeconds(30);

        // Heard at the join: lost just after 5 s, so the tick comes then rather than 30 s on...
        var next = _liveness.NextTick(Joined.AddSeconds(1), idle);
        Assert.InRange(next, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.1));
        Assert.True(_liveness.LinkLost(Joined.AddSeconds(1) + next));
        // ...the interval when that is sooner, and never a tight loop once the moment has passed.
        Assert.Equal(TimeSpan.FromSeconds(1), _liveness.NextTick(Joined.AddSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.True(_liveness.NextTick(Joined.AddSeconds(7), idle) >= TimeSpan.FromMilliseconds(10));
    }
}
