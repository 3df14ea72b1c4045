using System.Text;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using FsCheck;
using FsCheck.Fluent;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ordering;

/// <summary>
/// The folder's promises on random traffic (FsCheck, 200 cases each): a task folded on n1, n2, n3 with a 100 ms window;
/// lines from a few texts so copies often agree, events, node-downs, a node the task did not expect (n4) and another
/// process, arriving with random pauses, the merge's timer looking in before each. Every record carries its own seq,
/// so the test can tell each one from the others.
/// </summary>
public sealed class LineFolderPropertyTests
{
    private const string Task = "task-t1";
    private static readonly string[] Expected = ["n1", "n2", "n3"];
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    private enum What { Line, Started, Exited, Gap, NodeDown, OtherProcess }

    private sealed record Step(string Node, What What, string Text, int PauseMs);

    private static readonly Gen<Step> AStep =
        from node in Gen.Frequency((4, Gen.Elements(Expected)), (1, Gen.Constant("n4")))
        from what in Gen.Frequency((12, Gen.Constant(What.Line)), (1, Gen.Constant(What.Started)), (1, Gen.Constant(What.Exited)),
            (1, Gen.Constant(What.Gap)), (1, Gen.Constant(What.NodeDown)), (2, Gen.Constant(What.OtherProcess)))
        from text in Gen.Elements("a", "b", "c")
        from pause in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(1, 60)), (1, Gen.Choose(60, 150)))
        select new Step(node, what, text, pause);

    private static readonly Gen<Step[]> Traffic = Gen.Choose(1, 60).SelectMany(n => AStep.ArrayOf(n));

    private static void Holds<T>(Gen<T> gen, Func<T, bool> law) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(gen.ToArbitrary(), law));

    [Fact]
    public void Every_item_leaves_exactly_once()
    {
        Holds(Traffic, steps =>
        {
            var run = Run(steps);
            return run.Out.Select(i => i.Record.Seq).Order().SequenceEqual(run.In.Select(i => i.Record.Seq));
        });
    }

    // Per process: another process's lines (and node-down, of no process) pass while a task's are held, as they should.
    [Fact]
    public void Each_nodes_items_of_a_process_leave_in_the_order_they_came()
    {
        Holds(Traffic, steps =>
        {
            var run = Run(steps);
            return run.Out.GroupBy(i => (i.Node, i.Record.Process)).All(node => node.Select(i => i.Record.Seq).SequenceEqual(node.Select(i => i.Record.Seq).Order()));
        });
    }

    [Fact]
    public void A_node_down_leaves_after_every_item_of_its_folded_process_that_came_before_it()
    {
        Holds(Traffic, steps =>
        {
            var run = Run(steps);
            var at = run.Out.Select((item, i) => (item, i)).ToDictionary(x => x.item.Record.Seq, x => x.i);
            return run.In.Where(i => i.Record.Kind == RecordKind.NodeDown).All(down =>
                run.In.Where(i => i.Node == down.Node && i.Record.Process == Task && i.Record.Seq < down.Record.Seq)
                    .All(before => at[before.Record.Seq] < at[down.Record.Seq]));
        });
    }

    // A node that has not started the command cannot have printed its copy yet, so the window runs from the last start.
    [Fact]
    public void Once_every_node_started_nothing_is_held_longer_than_its_window()
    {
        var started = Expected.Select(n => new Step(n, What.Started, "", 0)).ToArray();
        Holds(Traffic, steps => Run([.. started, .. steps]).HeldTooLong == 0);
    }

    [Fact]
    public void Nothing_waits_longer_than_the_start_wait_and_a_window_for_nodes_that_start_late_or_never()
    {
        Holds(Traffic, steps => Run(steps, LineFolder.StartWait + Window).HeldTooLong == 0);
    }

    [Fact]
    public void A_shown_line_stands_for_its_folded_away_copies_which_follow_it_with_the_same_text()
    {
        Holds(Traffic, steps =>
        {
            var items = Run(steps).Out;
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].FoldedNodes is not { } nodes) continue;
                var copies = items.Skip(i + 1).Take(nodes.Count - 1).ToArray();
                if (!nodes.SequenceEqual(nodes.Order(StringComparer.Ordinal).Distinct()) || copies.Length != nodes.Count - 1) return false;
                if (!copies.All(c => c.FoldedAway && c.Record.Text() == items[i].Record.Text())) return false;
                if (!nodes.SequenceEqual(copies.Select(c => c.Node).Append(items[i].Node).Order(StringComparer.Ordinal))) return false;
            }
            return items.Count(i => i.FoldedAway) == items.Sum(i => i.FoldedNodes is { } n ? n.Count - 1 : 0);
        });
    }

    /// <summary>The same lines from every node, each node starting first, interleaved at random, all at one instant.</summary>
    [Fact]
    public void Identical_lines_from_every_node_leave_as_one_shown_line_as_soon_as_the_last_copy_arrives()
    {
        var scripts =
            from texts in Gen.Choose(1, 6).SelectMany(n => Gen.Elements("a", "b", "c").ArrayOf(n))
            from keys in Gen.Choose(0, 1000).ArrayOf(Expected.Length * (texts.Length + 1))
            select (texts, order: keys.Select((key, i) => (key, node: Expected[i % Expected.Length])).OrderBy(k => k.key).Select(k => k.node).ToArray());

        Holds(scripts, script =>
        {
            var folder = new LineFolder();
            folder.Start(Task, Expected, Window);
            var output = new List<OutputItem>();
            var printed = Expected.ToDictionary(n => n, _ => -1);
            foreach (var node in script.order)
            {
                var next = printed[node]++;
                var record = next < 0 ? NodeRecord.Started(Task, 1, T0) : Line(Task, next + 1, 0, script.texts[next]);
                folder.Add(new OutputItem(node, record), T0, output);
                var everywhere = printed.Values.Min();
                if (output.Count(i => i.FoldedNodes is { Count: 3 }) != Math.Max(0, everywhere)) return false;
            }
            return !folder.Holding && output.Where(i => i.FoldedNodes is not null).Select(i => i.Record.Text()).SequenceEqual(script.texts);
        });
    }

    private sealed record Result(List<OutputItem> In, List<OutputItem> Out, int HeldTooLong);

    /// <summary>Feeds the steps; an item still held <paramref name="bound"/> (default: the window) after it came counts as held too long.</summary>
    private static Result Run(Step[] steps, TimeSpan? bound = null)
    {
        var folder = new LineFolder();
        folder.Start(Task, Expected, Window);
        var input = new List<OutputItem>();
        var output = new List<OutputItem>();
        var arrived = new Dictionary<long, DateTime>();
        var now = T0;
        var heldTooLong = 0;
        foreach (var step in steps)
        {
            now += TimeSpan.FromMilliseconds(step.PauseMs);
            folder.Release(now, output);
            var item = new OutputItem(step.Node, Record(step, seq: input.Count + 1, now));
            input.Add(item);
            arrived[item.Record.Seq] = now;
            folder.Add(item, now, output);
            var left = output.Select(i => i.Record.Seq).ToHashSet();
            heldTooLong += arrived.Count(a => !left.Contains(a.Key) && a.Value + (bound ?? Window) <= now);
        }
        folder.ReleaseAll(output);
        return new Result(input, output, heldTooLong);
    }

    private static NodeRecord Record(Step step, long seq, DateTime at) => step.What switch
    {
        What.Line => NodeRecord.Line(Task, OutputStream.Stdout, seq, at, Encoding.UTF8.GetBytes(step.Text), continued: false),
        What.OtherProcess => NodeRecord.Line("web", OutputStream.Stdout, seq, at, Encoding.UTF8.GetBytes(step.Text), continued: false),
        What.Started => NodeRecord.Started(Task, 1, at) with { Seq = seq },
        What.Exited => NodeRecord.Exited(Task, 0, null, at) with { Seq = seq },
        What.Gap => NodeRecord.Gap(Task, 1, "spool-full", at) with { Seq = seq },
        _ => NodeRecord.NodeDown(at) with { Seq = seq },
    };
}
