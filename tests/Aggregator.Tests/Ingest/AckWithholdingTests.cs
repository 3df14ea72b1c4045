using Chorus.Aggregator.Ingest;
using static Chorus.Aggregator.Ingest.AckWithholding;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class AckWithholdingTests
{
    private readonly AckWithholding _acks = new();

    [Fact]
    public void Until_the_output_is_half_full_everything_taken_is_acknowledged()
    {
        var link = LinkHaving(taken: 4);

        Assert.Equal(4, _acks.Acknowledge(link));
    }

    [Fact]
    public void While_withholding_the_acknowledgement_stays_where_it_was()
    {
        var link = LinkHaving(taken: 4);
        _acks.Acknowledge(link);

        Assert.True(_acks.Withhold());
        Assert.False(_acks.Withhold()); // already withholding: one call to hear about the output suffices
        link.Sequence.Advance();

        Assert.Equal(4, _acks.Acknowledge(link));
    }

    [Fact]
    public void A_join_answer_acknowledges_everything_taken_even_while_withholding()
    {
        var link = LinkHaving(taken: 4);
        _acks.Withhold();
        _acks.TurnAway(link);

        _acks.Joined(link);

        Assert.Equal((4L, false), (link.Acknowledged, link.TurnedAway));
    }

    [Fact]
    public void Once_the_output_is_low_a_node_turned_away_is_owed_a_resend_one_held_its_acks_and_one_up_to_date_nothing()
    {
        var turnedAway = LinkHaving(taken: 0);
        var held = LinkHaving(taken: 0);
        var upToDate = LinkHaving(taken: 2);
        _acks.Acknowledge(upToDate);
        _acks.Withhold();
        held.Sequence.Advance();
        _acks.TurnAway(turnedAway);

        var owed = _acks.Resume([turnedAway, held, upToDate]);

        Assert.Equal([Owed.ResendFrom, Owed.Ack, Owed.Nothing], owed.Select(o => o.Owed));
        Assert.Equal(1, held.Acknowledged);
        Assert.False(turnedAway.TurnedAway);
        held.Sequence.Advance();
        Assert.Equal(2, _acks.Acknowledge(held)); // no longer withholding
    }

    [Fact]
    public void While_withholding_every_answer_grants_nothing_and_the_node_is_owed_a_grant_once_the_output_is_low()
    {
        var idle = LinkHaving(taken: 2);
        _acks.Acknowledge(idle);
        Assert.Equal(8, _acks.Grant(idle, share: 8));

        _acks.Withhold();
        Assert.Equal(0, _acks.Grant(idle, share: 8));

        // Nothing withheld from it, nothing turned away: still owed, or it would wait for its next heartbeat's answer.
        Assert.Equal(Owed.Ack, _acks.Resume([idle]).Single().Owed);
        Assert.False(idle.Held);
        Assert.Equal(8, _acks.Grant(idle, share: 8));
    }

    [Fact]
    public void Each_time_the_output_is_low_again_a_different_node_is_let_go_first()
    {
        // Before: always in the same order, so the same nodes' batches arrived first and took the room.
        var links = Enumerable.Range(0, 3).Select(_ => LinkHaving(taken: 0)).ToList();
        var firsts = new List<NodeLink>();
        for (var round = 0; round < 3; round++)
        {
            _acks.Withhold();
            foreach (var link in links) _acks.Grant(link, share: 1);
            firsts.Add(_acks.Resume(links)[0].Link);
        }

        Assert.Equal(links, firsts);
    }

    private static NodeLink LinkHaving(long taken)
    {
        var link = new NodeLink(1, 1, "key");
        for (var i = 0; i < taken; i++) link.Sequence.Advance();
        return link;
    }
}
