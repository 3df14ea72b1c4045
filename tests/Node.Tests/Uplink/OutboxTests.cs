using System.Text;
using Chorus.Messages;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The uplink's data path without an actor, with no spool: past the memory bound, lines are counted in a gap.</summary>
public sealed class OutboxTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Batches_are_numbered_in_order_and_handed_out_only_once_joined()
    {
        var outbox = Open();
        Cut(outbox, "a");
        Cut(outbox, "b");

        Assert.Empty(outbox.TakeSendable(joined: false));
        Assert.Equal(1, outbox.FirstUnacknowledgedSeq);
        Assert.Equal([(7L, 1L), (7L, 2L)], outbox.TakeSendable(joined: true).Select(b => (b.Incarnation, b.Seq)));
        Assert.Equal(2, outbox.LastNumbered);
        Assert.True(outbox.Idle); // in flight, nothing waiting: a heartbeat promises nothing false
    }

    [Fact]
    public void The_window_lets_out_at_most_max_unacked_batches_and_an_acknowledgement_makes_room()
    {
        var outbox = Open("max-unacked-batches = 2");
        foreach (var text in new[] { "a", "b", "c" }) Cut(outbox, text);

        Assert.Equal([1L, 2], outbox.TakeSendable(joined: true).Select(b => b.Seq));
        Assert.True(outbox.Acknowledge(1));
        Assert.False(outbox.Acknowledge(1)); // nothing new
        Assert.Equal([3L], outbox.TakeSendable(joined: true).Select(b => b.Seq));
    }

    [Fact]
    public void Past_the_memory_bound_batches_are_counted_in_a_gap_that_takes_their_place_in_order()
    {
        var outbox = Open("max-buffered-bytes = 1");
        Cut(outbox, "kept");
        Cut(outbox, "dropped 1");
        Cut(outbox, "dropped 2");

        var first = Assert.Single(outbox.TakeSendable(joined: true));
        Assert.False(outbox.Idle);
        outbox.Acknowledge(first.Seq);
        var gap = Assert.Single(outbox.TakeSendable(joined: true));

        Assert.Equal((1L, 2L), (first.Seq, gap.Seq));
        var record = Assert.Single(gap.Records);
        Assert.Equal((RecordKind.Gap, 2L, "buffer-full"), (record.Kind, record.Count, record.Reason));
    }

    [Fact]
    public void A_join_answer_acknowledges_what_the_aggregator_holds_and_sends_the_rest_again()
    {
        var outbox = Open();
        foreach (var text in new[] { "a", "b", "c" }) Cut(outbox, text);
        Assert.Equal(3, outbox.TakeSendable(joined: true).Count);

        outbox.ResendFrom(nextSeq: 3);

        Assert.Equal([3L], outbox.TakeSendable(joined: true).Select(b => b.Seq));
    }

    [Fact]
    public void A_drain_without_a_spool_reports_what_was_never_acknowledged_as_lost()
    {
        var outbox = Open();
        Cut(outbox, "a", "b");
        outbox.TakeSendable(joined: true);

        Assert.Equal((2L, 0L, false), outbox.Spill());
    }

    [Fact]
    public void A_restarted_run_numbers_under_a_new_incarnation()
    {
        var outbox = Open();

        outbox.BeginNewRun(8);

        Cut(outbox, "a");
        Assert.Equal(8, Assert.Single(outbox.TakeSendable(joined: true)).Incarnation);
    }

    private static Outbox Open(string overrides = "") =>
        new("node-a", 7, TestNodeSettings.With($"chorus.node {{ spool-max-bytes = 0, {overrides} }}"), new Overflow(null, "node-a"));

    private static void Cut(Outbox outbox, params string[] lines)
    {
        var seq = 1;
        foreach (var line in lines)
            outbox.Add(NodeRecord.Line("web", OutputStream.Stdout, seq++, Now, Encoding.UTF8.GetBytes(line), false, false));
        Assert.True(outbox.Cut(Now));
    }
}
