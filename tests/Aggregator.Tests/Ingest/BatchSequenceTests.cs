using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class BatchSequenceTests
{
    [Fact]
    public void Only_the_next_batch_is_taken_repeats_and_skips_are_not()
    {
        var sequence = new BatchSequence(1);
        Assert.True(sequence.IsNext(1));
        sequence.Advance();

        Assert.False(sequence.IsNext(1)); // a repeat
        Assert.False(sequence.IsNext(3)); // after a loss: 2 is missing
        Assert.True(sequence.IsNext(2));
        Assert.Equal(1, sequence.LastTaken);
    }

    [Fact]
    public void A_heartbeat_holds_only_once_every_batch_before_it_is_taken()
    {
        var sequence = new BatchSequence(3);

        Assert.True(sequence.Holds(2));
        Assert.False(sequence.Holds(3));
    }

    [Theory]
    [InlineData(5, 3, 5)] // the node still holds older batches than expected: nothing taken is taken again
    [InlineData(5, 9, 9)] // the node holds nothing before 9: waiting for 5 would wait forever
    public void A_rejoin_resumes_never_backwards(long next, long firstSeq, long resumed)
    {
        var sequence = new BatchSequence(next);

        sequence.ResumeAt(firstSeq);

        Assert.Equal(resumed, sequence.Next);
    }
}
