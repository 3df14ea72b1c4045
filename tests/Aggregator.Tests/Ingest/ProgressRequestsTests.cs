using Akka.TestKit.Xunit2;
using Chorus.Aggregator.Ingest;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>Who is asked for progress when a node's lines arrive: the other up nodes, each at most once per interval.</summary>
public sealed class ProgressRequestsTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly ProgressRequests _requests = new(Interval);
    private int _nodes;

    private NodeLink UpLink()
    {
        var link = new NodeLink(1, 1, "key") { Up = true, Uplink = CreateTestProbe().Ref, LastHeard = T0 - TimeSpan.FromSeconds(1) };
        _requests.Joined($"n{++_nodes}", link);
        return link;
    }

    [Fact]
    public void Lines_from_one_node_ask_every_other_up_node_but_not_the_sender_or_a_down_one()
    {
        var (from, idle, down) = (UpLink(), UpLink(), UpLink());
        down.Up = false;

        Assert.Equal([idle], _requests.LinesArrived(from, T0));
    }

    [Fact]
    public void A_node_asked_within_the_interval_is_asked_again_when_it_runs_out()
    {
        var (from, idle) = (UpLink(), UpLink());
        _requests.LinesArrived(from, T0);

        Assert.Empty(_requests.LinesArrived(from, T0 + TimeSpan.FromMilliseconds(10)));
        Assert.Equal(T0 + Interval, _requests.NextDue);
        Assert.Empty(_requests.Due(T0 + TimeSpan.FromMilliseconds(40)));
        Assert.Equal([idle], _requests.Due(T0 + Interval));
        Assert.Null(_requests.NextDue);
    }

    [Fact]
    public void A_node_heard_from_since_the_lines_arrived_is_not_asked_again()
    {
        var (from, busy) = (UpLink(), UpLink());
        _requests.LinesArrived(from, T0);
        _requests.LinesArrived(from, T0 + TimeSpan.FromMilliseconds(10));

        busy.LastHeard = T0 + TimeSpan.FromMilliseconds(20); // its batch carried its progress

        Assert.Empty(_requests.Due(T0 + Interval));
        Assert.Null(_requests.NextDue);
    }

    [Fact]
    public void A_node_replaced_by_its_next_run_is_forgotten()
    {
        var from = UpLink();
        var old = new NodeLink(1, 1, "key") { Up = true, Uplink = CreateTestProbe().Ref, LastHeard = T0 - TimeSpan.FromSeconds(1) };
        _requests.Joined("web", old);
        _requests.LinesArrived(from, T0);
        _requests.LinesArrived(from, T0 + TimeSpan.FromMilliseconds(10));

        var next = new NodeLink(2, 1, "key2") { Up = true, Uplink = CreateTestProbe().Ref, LastHeard = T0 };
        _requests.Joined("web", next);

        Assert.Null(_requests.NextDue);
        Assert.Empty(_requests.Due(T0 + Interval));
        Assert.Equal([next], _requests.LinesArrived(from, T0 + Interval));
    }

    /// <summary>
    /// The asks and their times are those of the first version, which looked at every node on each batch (kept
    /// here as the model), over random runs of many nodes: lines, heartbeats, the timer at its own and at other
    /// times, nodes going down and replaced by their next run. One difference is allowed, in what NextDue counts:
    /// the first version counted a down or replaced node until its timer fired and asked nothing of it.
    /// </summary>
    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 40)]
    [InlineData(3, 300)]
    public void Asks_the_same_nodes_at_the_same_times_as_looking_at_every_node(int seed, int nodeCount)
    {
        var random = new Random(seed);
        var model = new EveryNodeModel(Interval);
        var current = new Dictionary<string, NodeLink>();
        var now = T0;
        var runs = 0;
        void Join(string node)
        {
            var link = new NodeLink(++runs, 1, "key") { Up = true, Uplink = TestActor, LastHeard = now };
            current[node] = link;
            _requests.Joined(node, link);
        }
        for (var n = 0; n < nodeCount; n++) Join($"n{n}");

        for (var step = 0; step < 20_000; step++)
        {
            now += TimeSpan.FromMilliseconds(random.Next(0, 3) == 0 ? random.Next(0, 60) : random.Next(0, 3));
            var node = $"n{random.Next(nodeCount)}";
            var link = current[node];
            switch (random.Next(100))
            {
                case < 60 when link.Up:
                    link.LastHeard = now; // the batch's own sign of life, as the ingest notes it first
                    AssertSame(model.LinesArrived(current.Values, link, now), _requests.LinesArrived(link, now), step);
                    break;
                case < 75 when link.Up:
                    link.LastHeard = now;
                    break;
                case < 90:
                    AssertSame(model.Due(current.Values, now), _requests.Due(now), step);
                    break;
                case < 93 when model.NextDue(current.Values) is { } due && due >= now:
                    now = due;
                    AssertSame(model.Due(current.Values, now), _requests.Due(now), step);
                    break;
                case < 96:
                    link.Up = false;
                    break;
                case < 99:
                    Join(node);
                    break;
                default:
                    _requests.Joined(node, link); // the same run joining again: nothing changes
                    break;
            }
            Assert.True(model.NextDue(current.Values) == _requests.NextDue, $"NextDue differs at step {step}");
        }
    }

    private static void AssertSame(List<NodeLink> expected, List<NodeLink> actual, int step) =>
        Assert.True(expected.ToHashSet(ReferenceEqualityComparer.Instance).SetEquals(actual) && expected.Count == actual.Count,
            $"step {step}: expected {expected.Count} asked, got {actual.Count}");

    /// <summary>The first version of <see cref="ProgressRequests"/>, which looked at every node on each batch.</summary>
    private sealed class EveryNodeModel(TimeSpan interval)
    {
        private readonly Dictionary<NodeLink, Request> _requests = new(ReferenceEqualityComparer.Instance);

        public List<NodeLink> LinesArrived(IEnumerable<NodeLink> links, NodeLink from, DateTime now)
        {
            var ask = new List<NodeLink>();
            foreach (var link in links)
            {
                if (ReferenceEquals(link, from) || !link.Up || link.Uplink is null) continue;
                var request = _requests.TryGetValue(link, out var known) ? known : _requests[link] = new Request();
                if (now - request.AskedAt >= interval)
                {
                    request.AskedAt = now;
                    request.WantedSince = null;
                    ask.Add(link);
                }
                else request.WantedSince ??= now;
            }
            return ask;
        }

        /// <summary>Counting only nodes up and current (see the test's summary).</summary>
        public DateTime? NextDue(IEnumerable<NodeLink> links)
        {
            var live = links.Where(l => l.Up).ToHashSet(ReferenceEqualityComparer.Instance);
            DateTime? next = null;
            foreach (var (link, request) in _requests)
                if (live.Contains(link) && request.WantedSince is not null && (next is null || request.AskedAt + interval < next))
                    next = request.AskedAt + interval;
            return next;
        }

        public List<NodeLink> Due(IEnumerable<NodeLink> links, DateTime now)
        {
            var current = links.ToHashSet(ReferenceEqualityComparer.Instance);
            var ask = new List<NodeLink>();
            foreach (var (link, request) in _requests)
            {
                if (!link.Up || !current.Contains(link)) _requests.Remove(link);
                else if (request.WantedSince is { } since && now - request.AskedAt >= interval)
                {
                    request.WantedSince = null;
                    if (link.LastHeard >= since) continue;
                    request.AskedAt = now;
                    ask.Add(link);
                }
            }
            return ask;
        }

        private sealed class Request
        {
            public DateTime AskedAt { get; set; } = DateTime.MinValue;
            public DateTime? WantedSince { get; set; }
        }
    }
}
