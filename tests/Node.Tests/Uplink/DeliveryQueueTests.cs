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

    private void Enqueue(params long[] seqs)
    {
        foreach (var seq in seqs) _queue.Enqueue(new LineBatch("n", 1, seq, DateTime.UnixEpoch, [], SessionKey: ""));
    }
}
