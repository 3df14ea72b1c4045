using System.Text;
using Chorus.Aggregator.Ingest;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>The check over a batch's times, read from its timestamp column: the first time beyond the bound is the one reported.</summary>
public sealed class ClockDistanceBeyondTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);
    private readonly ClockDistance _distance = new(TimeSpan.FromHours(1));

    [Fact]
    public void Times_within_the_bound_pass()
    {
        Assert.Null(_distance.Beyond(Now, Batch(Now.AddMinutes(-59), Now, Now.AddMinutes(59)), TimeSpan.Zero, Now));
    }

    [Fact]
    public void A_time_beyond_the_bound_between_two_within_it_is_found()
    {
        Assert.Equal(TimeSpan.FromDays(-30), _distance.Beyond(Now, Batch(Now, Now.AddDays(-30), Now), TimeSpan.Zero, Now));
    }

    [Fact]
    public void The_first_time_beyond_the_bound_is_reported_not_the_furthest()
    {
        Assert.Equal(TimeSpan.FromDays(2), _distance.Beyond(Now, Batch(Now, Now.AddDays(2), Now.AddDays(-30)), TimeSpan.Zero, Now));
    }

    [Fact]
    public void The_measured_offset_is_taken_off_every_time()
    {
        var ahead = TimeSpan.FromDays(40);

        Assert.Null(_distance.Beyond(Now + ahead, Batch(Now + ahead, Now.AddMinutes(30) + ahead), ahead, Now));
        Assert.Equal(TimeSpan.FromHours(2), _distance.Beyond(Now + ahead, Batch(Now + ahead, Now.AddHours(2) + ahead), ahead, Now));
    }

    // As the aggregator reads it off the wire: a block of columns, events among the lines.
    private static RecordBlock Batch(params DateTime[] times)
    {
        var builder = new RecordBlockBuilder();
        for (var i = 0; i < times.Length; i++)
        {
            if (i % 2 == 1) builder.Add(NodeRecord.Ready("web", times[i]));
            else builder.AddLine("web", OutputStream.Stdout, i + 1, times[i], Encoding.UTF8.GetBytes("line"), false, false);
        }
        return builder.Build();
    }
}
