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

    private static NodeLink LinkHaving(long taken)
    {
        var link = new NodeLink(1, 1, "key");
        for (var i = 0; i < taken; i++) link.Sequence.Advance();
        return link;
    }
}
