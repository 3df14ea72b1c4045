using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class PendingOutputTests
{
    private static NodeRecord[] Lines(int count, int textBytes = 0) =>
        Enumerable.Range(1, count).Select(i => Line("web", i, i, new string('x', textBytes))).ToArray();

    private static OutputItem[] Items(IEnumerable<NodeRecord> records) => records.Select(r => new OutputItem("n1", r)).ToArray();

    [Fact]
    public void What_is_held_is_measured_to_the_sink_furthest_behind()
    {
        var pending = new PendingOutput(maxRecords: 100, maxBytes: 1_000_000);
        var stdout = pending.AddSink("stdout");
        var feed = pending.AddSink("live feed");
        var batch = Lines(10, textBytes: 3);

        pending.Accept(batch);
        feed.Finished(Items(batch));

        Assert.Equal((10L, 30L, "stdout"), pending.Held);
        stdout.Finished(Items(batch));
        Assert.Equal(0, pending.Held.Records);
    }

    [Fact]
    public void Half_a_bound_is_high_and_the_bound_is_full_by_records_or_by_bytes()
    {
        var byRecords = new PendingOutput(maxRecords: 10, maxBytes: 1_000_000);
        byRecords.AddSink("stdout");
        var byBytes = new PendingOutput(maxRecords: 1_000_000, maxBytes: 100);
        byBytes.AddSink("stdout");

        byRecords.Accept(Lines(4));
        byBytes.Accept(Lines(1, textBytes: 49));
        Assert.Equal(PendingOutput.Fill.Low, byRecords.Level);
        Assert.Equal(PendingOutput.Fill.Low, byBytes.Level);

        byRecords.Accept(Lines(1));
        byBytes.Accept(Lines(1, textBytes: 1));
        Assert.Equal(PendingOutput.Fill.High, byRecords.Level);
        Assert.Equal(PendingOutput.Fill.High, byBytes.Level);

        byRecords.Accept(Lines(5));
        byBytes.Accept(Lines(1, textBytes: 50));
        Assert.Equal(PendingOutput.Fill.Full, byRecords.Level);
        Assert.Equal(PendingOutput.Fill.Full, byBytes.Level);
    }

    [Fact]
    public void Node_up_and_node_down_are_the_merges_own_and_are_not_counted_out()
    {
        var pending = new PendingOutput(maxRecords: 100, maxBytes: 1_000_000);
        var stdout = pending.AddSink("stdout");
        var batch = Lines(3);
        pending.Accept(batch);

        var up = new NodeRecord(RecordKind.NodeUp, null, OutputStream.Stdout, 0, At(0), default);
        var down = new NodeRecord(RecordKind.NodeDown, null, OutputStream.Stdout, 0, At(9), default);
        stdout.Finished(Items([up, .. batch, down]));

        Assert.Equal(0, pending.Held.Records);
    }

    [Fact]
    public async Task Waiting_for_low_ends_when_the_slowest_sink_brings_it_below_half()
    {
        var pending = new PendingOutput(maxRecords: 10, maxBytes: 1_000_000);
        var stdout = pending.AddSink("stdout");
        var first = Lines(6);
        var second = Lines(4);
        pending.Accept(first);
        pending.Accept(second);

        var low = pending.WhenLow();
        Assert.False(low.IsCompleted);
        stdout.Finished(Items(first));

        await low.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(pending.WhenLow().IsCompleted);
    }

    [Fact]
    public void Without_sinks_nothing_is_held()
    {
        var pending = new PendingOutput(maxRecords: 1, maxBytes: 1);

        pending.Accept(Lines(100, textBytes: 10));

        Assert.Equal(PendingOutput.Fill.Low, pending.Level);
        Assert.True(pending.WhenLow().IsCompleted);
    }
}
