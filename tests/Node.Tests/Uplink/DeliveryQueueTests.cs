using Chorus.Messages;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class DeliveryQueueTests
{
    private readonly DeliveryQueue _queue = new(maxInFlight: 2);

    [Fact]
    public void No_more_than_the_window_is_in_flight()
    {
        Enqueue(1, 2, 3);

        Assert.Equal([1L, 2], _queue.TakeSendable().Select(b => b.Seq));
        Assert.Empty(_queue.TakeSendable());
        Assert.Equal(1, _queue.Waiting);
    }

    [Fact]
    public void A_grant_narrows_the_window_never_widens_it_past_the_nodes_own_and_none_restores_the_own()
    {
        var queue = new DeliveryQueue(maxInFlight: 4);
        for (var seq = 1; seq <= 9; seq++) queue.Enqueue(Batch(seq));

        queue.Grant(1);
        Assert.Equal([1L], queue.TakeSendable().Select(b => b.Seq));
        queue.Grant(100);
        Assert.Equal([2L, 3, 4], queue.TakeSendable().Select(b => b.Seq));
        queue.Acknowledge(4);
        queue.Grant(null);
        Assert.Equal([5L, 6, 7, 8], queue.TakeSendable().Select(b => b.Seq));
    }

    [Fact]
    public void A_grant_of_nothing_holds_everything_back_and_keeps_what_is_in_flight()
    {
        Enqueue(1, 2, 3);
        _queue.TakeSendable();

        _queue.Grant(0);

        Assert.True(_queue.Held);
        Assert.Empty(_queue.TakeSendable());
        Assert.Equal(2, _queue.InFlight);
        _queue.Acknowledge(2);
        Assert.Empty(_queue.TakeSendable());
    }

    [Fact]
    public void An_acknowledgement_is_cumulative_and_makes_room()
    {
        Enqueue(1, 2, 3);
        _queue.TakeSendable();

        Assert.Equal(2, _queue.Acknowledge(2));
        Assert.Equal([3L], _queue.TakeSendable().Select(b => b.Seq));
        Assert.Equal(3, _queue.FirstUnacknowledged);
    }

    [Fact]
    public void After_a_loss_everything_in_flight_is_sent_again_in_order()
    {
        Enqueue(1, 2, 3);
        _queue.TakeSendable();

        _queue.ReturnInFlight();

        Assert.Equal([1L, 2], _queue.TakeSendable().Select(b => b.Seq));
        Assert.Equal(3, _queue.Count);
    }

    [Fact]
    public void A_rejoin_can_acknowledge_batches_never_resent()
    {
        Enqueue(1, 2, 3);

        Assert.Equal(2, _queue.Acknowledge(2));
        Assert.Equal(3, _queue.FirstUnacknowledged);
    }

    private static LineBatch Batch(long seq) => new("n", 1, seq, DateTime.UnixEpoch, [], SessionKey: "");

    private void Enqueue(params long[] seqs)
    {
        foreach (var seq in seqs) _queue.Enqueue(Batch(seq));
    }
}
