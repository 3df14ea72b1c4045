using System.Text;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using static Chorus.Aggregator.Tests.Support.Processes;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>select= on the stream: processes matched by what the FleetDirectory knows of them, as StreamQuery builds the filter.</summary>
public sealed class SelectorFilterTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
    private readonly FleetDirectory _directory = new();

    public SelectorFilterTests()
    {
        _directory.Update("eu1", [
            Info("web", groups: ["web"], labels: new() { ["tier"] = "front" }),
            Info("worker.1", baseName: "worker", groups: ["workers"], labels: new() { ["tier"] = "backend" }),
            Info("worker.2", baseName: "worker", groups: ["workers"], labels: new() { ["tier"] = "backend" }, ready: false),
            Info("db", state: ProcessState.Waiting, ready: false, waitingFor: ["disk@us1 ready"]),
        ]);
        _directory.Update("us1", [Info("web", groups: ["web"])]);
    }

    [Fact]
    public void Group_term_picks_the_groups_lines_and_events()
    {
        var filter = Filter("group:workers");

        Assert.True(filter.Matches(Line("eu1", "worker.1")));
        Assert.True(filter.Matches(Event("eu1", NodeRecord.Restarting("worker.2", 1, 1000, Now))));
        Assert.False(filter.Matches(Line("eu1", "web")));
        Assert.False(filter.Matches(Line("us1", "web")));
    }

    [Fact]
    public void Label_and_node_terms_combine()
    {
        var filter = Filter("label:tier=front, group:web node:us*");

        Assert.True(filter.Matches(Line("eu1", "web")));
        Assert.True(filter.Matches(Line("us1", "web")));
        Assert.False(filter.Matches(Line("eu1", "worker.1")));
    }

    [Fact]
    public void State_term_reads_the_directorys_state_and_readiness()
    {
        Assert.True(Filter("state:ready").Matches(Line("eu1", "worker.1")));
        Assert.False(Filter("state:ready").Matches(Line("eu1", "worker.2")));
        Assert.True(Filter("state:waiting").Matches(Event("eu1", NodeRecord.Waiting("db", "disk@us1 ready", Now))));
        Assert.False(Filter("state:waiting").Matches(Line("eu1", "web")));
    }

    [Fact]
    public void A_process_the_directory_does_not_know_is_matched_by_name_as_running()
    {
        // A Procfile node before its first table: no groups, no labels.
        Assert.True(Filter("api").Matches(Line("n9", "api")));
        Assert.True(Filter("a* node:n?").Matches(Line("n9", "api")));
        Assert.True(Filter("state:running").Matches(Line("n9", "api")));
        Assert.False(Filter("group:workers").Matches(Line("n9", "api")));
        Assert.False(Filter("db").Matches(Line("n9", "api")));
    }

    [Fact]
    public void A_scaled_event_names_the_spec_and_matches_by_its_replicas_groups()
    {
        Assert.True(Filter("group:workers").Matches(Event("eu1", NodeRecord.Scaled("worker", 3, Now))));
        Assert.False(Filter("group:web").Matches(Event("eu1", NodeRecord.Scaled("worker", 3, Now))));
    }

    [Fact]
    public void The_verdict_follows_the_directory_as_it_changes()
    {
        var filter = Filter("group:workers");
        Assert.False(filter.Matches(Line("eu1", "worker.3")));

        // Scaled up: the new instance joins the table, and its lines pass from then on.
        _directory.Update("eu1", [.. _directory.Of("eu1"), Info("worker.3", baseName: "worker", groups: ["workers"])]);
        Assert.True(filter.Matches(Line("eu1", "worker.3")));

        var ready = Filter("state:ready");
        Assert.True(ready.Matches(Line("eu1", "worker.1")));
        _directory.Update("eu1", [Info("worker.1", baseName: "worker", state: ProcessState.Restarting, ready: false)]);
        Assert.False(ready.Matches(Line("eu1", "worker.1")));
    }

    [Fact]
    public void A_node_that_joins_later_is_included()
    {
        var filter = Filter("group:web");
        Assert.False(filter.Matches(Line("ap1", "site")));

        _directory.Update("ap1", [Info("site", groups: ["web"])]);

        Assert.True(filter.Matches(Line("ap1", "site")));
    }

    [Fact]
    public void Node_events_pass_unless_a_node_term_rules_their_node_out()
    {
        Assert.True(Filter("group:workers").Matches(Event("us1", NodeUp())));
        Assert.True(Filter("node:eu*").Matches(Event("eu1", NodeUp())));
        Assert.False(Filter("node:eu*").Matches(Event("us1", NodeUp())));
        Assert.False(Filter("node:eu*").Matches(Event("us1", NodeRecord.NodeDown(Now))));
        Assert.False(Filter("node:eu*").Matches(Event("us1", NodeRecord.Gap(null, 5, "node-restarted", Now))));
        // A slow client's gap names no node and spans every source.
        Assert.True(Filter("node:eu*").Matches(Event("", NodeRecord.Gap(null, 5, "slow-client", Now))));
    }

    [Fact]
    public void A_task_event_about_the_whole_task_is_judged_by_its_process_with_node_terms_taken_to_hold()
    {
        var finished = Event("", NodeRecord.Task("task-t1", "finished", 0, "", Now));

        Assert.True(Filter("task-*").Matches(finished));
        Assert.True(Filter("node:eu1").Matches(finished));
        Assert.True(Filter("!node:eu1").Matches(finished));
        Assert.False(Filter("web").Matches(finished));
        Assert.False(Filter("node:eu1 web").Matches(finished));
        // About one node: judged on that node, as any event of a process.
        Assert.False(Filter("node:eu1").Matches(Event("us1", NodeRecord.Task("task-t1", "refused", null, "", Now))));
    }

    [Fact]
    public void A_folded_line_passes_when_the_selector_picks_its_process_on_any_node_that_printed_it()
    {
        var folded = Line("us1", "task-t1") with { FoldedNodes = ["eu1", "us1"] };

        Assert.True(Filter("node:eu1").Matches(folded));
        Assert.True(Filter("node:us1").Matches(folded));
        Assert.False(Filter("node:ap1").Matches(folded));
        Assert.False(Filter("group:web").Matches(folded));
    }

    [Fact]
    public void Select_and_the_other_filters_must_all_pass()
    {
        var filter = new StreamFilter(null, "worker.1", OutputStream.Stdout, null, new SelectorFilter(Selector.Parse("group:workers"), _directory));

        Assert.True(filter.Matches(Line("eu1", "worker.1")));
        Assert.False(filter.Matches(Line("eu1", "worker.2")));
        Assert.False(filter.Matches(Line("eu1", "worker.1", OutputStream.Stderr)));
    }

    [Fact]
    public void Matching_a_known_source_again_allocates_nothing()
    {
        var filter = Filter("group:workers label:tier=backend, state:waiting");
        var items = new[] { Line("eu1", "worker.1"), Line("eu1", "web"), Line("n9", "api"), Event("us1", NodeUp()) };
        foreach (var item in items) filter.Matches(item);

        const int rounds = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds; i++)
            foreach (var item in items)
                filter.Matches(item);

        // Less than a byte per item: nothing is allocated per item (the runtime may allocate once for itself meanwhile, e.g. as it recompiles a hot loop).
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, rounds - 1);
    }

    private StreamFilter Filter(string selector) => new(null, null, null, null, new SelectorFilter(Selector.Parse(selector), _directory));

    private static OutputItem Line(string node, string process, OutputStream stream = OutputStream.Stdout) =>
        new(node, NodeRecord.Line(process, stream, 1, Now, Encoding.UTF8.GetBytes("hello"), continued: false));

    private static OutputItem Event(string node, NodeRecord record) => new(node, record);

    private static NodeRecord NodeUp() => NodeRecord.NodeUp(Now, "0.1.0+abcdef0");
}
