using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>
/// Times from the wire are checked at ingest, after clock correction: beyond max-clock-distance a batch or
/// heartbeat is refused, counted and the node told why; near enough (a node 5 s ahead) it is merged as before.
/// </summary>
public sealed class ClockDistanceTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly Akka.TestKit.TestProbe _merge;
    private readonly IActorRef _ingest;
    private string _key = "";

    public ClockDistanceTests() : base("akka.loglevel = WARNING")
    {
        _merge = CreateTestProbe();
        _merge.IgnoreMessages<MergeActor.NodeClock>();
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(_merge.Ref), TestSettings.NothingPending(), TestSettings.Aggregator(), token: null));
        IgnoreMessages<ClockProbe>();
    }

    [Fact]
    public async Task A_heartbeat_at_the_end_of_time_is_refused_and_the_node_told_why()
    {
        await Join();

        await EventFilter.Warning(contains: "for their times").ExpectOneAsync(async () =>
        {
            _ingest.Tell(new Heartbeat("a", 1, 0, DateTime.MaxValue, _key));

            Assert.Contains("max-clock-distance", (await ExpectMsgAsync<TimesRefused>()).Reason);
            await ExpectMsgAsync<BatchAck>(); // still an answer: the node does not re-join over it
        });
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_batch_with_a_line_30_days_ahead_is_not_taken_and_the_node_resending_it_sane_is_served()
    {
        await Join();

        _ingest.Tell(new LineBatch("a", 1, 1, At(1), [Line("web", 1, 1), Line("web", 2, 2) with { Timestamp = At(2).AddDays(30) }], _key));

        Assert.Contains("30 days ahead", (await ExpectMsgAsync<TimesRefused>()).Reason);
        Assert.Equal(0, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        await _merge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        _ingest.Tell(new LineBatch("a", 1, 1, At(1), [Line("web", 1, 1), Line("web", 2, 2)], _key));
        Assert.Equal(1, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>();
    }

    [Fact]
    public async Task A_node_whose_clock_is_40_days_ahead_is_corrected_and_served()
    {
        _ingest.Tell(new JoinRequest("a", 1, 1, SentAt: DateTime.UtcNow.AddDays(40), Token: "", Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();

        _ingest.Tell(new LineBatch("a", 1, 1, At(1).AddDays(40), [Line("web", 1, 1) with { Timestamp = At(1).AddDays(40) }], _key));

        Assert.Equal(1, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        await _merge.ExpectMsgAsync<MergeActor.AcceptedBatch>();
    }

    [Fact]
    public async Task Refusals_are_logged_at_most_once_a_minute()
    {
        await Join();

        await EventFilter.Warning(contains: "for their times").ExpectAsync(1, async () =>
        {
            for (var i = 0; i < 5; i++) _ingest.Tell(new Heartbeat("a", 1, 0, DateTime.MinValue, _key));
            for (var i = 0; i < 5; i++)
            {
                await ExpectMsgAsync<TimesRefused>();
                await ExpectMsgAsync<BatchAck>();
            }
        });
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(5, 5, true)] // a node 5 s ahead, measured so: on our clock, now
    [InlineData(5, 0, true)] // 5 s ahead, not measured yet: 5 s off is near enough
    [InlineData(86_400 * 2, 0, false)]
    [InlineData(-86_400 * 2, 0, false)]
    public void Times_are_judged_on_the_aggregators_clock(int aheadSeconds, int measuredOffsetSeconds, bool within)
    {
        var now = DateTime.UtcNow;
        var distance = new ClockDistance(TimeSpan.FromHours(24));

        var off = distance.Beyond(now.AddSeconds(aheadSeconds), [], TimeSpan.FromSeconds(measuredOffsetSeconds), now);

        Assert.Equal(within, off is null);
    }

    [Fact]
    public void The_extremes_of_time_and_offset_do_not_overflow()
    {
        var distance = new ClockDistance(TimeSpan.FromHours(24));
        var now = DateTime.UtcNow;

        Assert.NotNull(distance.Beyond(DateTime.MaxValue, [], TimeSpan.MinValue, now));
        Assert.NotNull(distance.Beyond(DateTime.MinValue, [], TimeSpan.MaxValue, now));
        Assert.NotNull(distance.Beyond(now, [], DateTime.MaxValue - DateTime.MinValue, now));
    }

    private async Task Join()
    {
        _ingest.Tell(new JoinRequest("a", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;
        await _merge.ExpectMsgAsync<MergeActor.NodeConnected>();
    }
}
