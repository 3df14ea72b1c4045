using System.Text;
using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// Folds the lines of tasks run with --fold (README, "Run a command on the fleet"): the same text of the same process
/// from several nodes within the fold window goes out once, as its first item with <see cref="OutputItem.FoldedNodes"/>
/// (every node that printed it, name-sorted), followed by the others marked <see cref="OutputItem.FoldedAway"/>, so
/// every record still reaches every sink. The merge feeds it what the reorder buffer released; items of processes it
/// does not fold pass straight through.
/// <para>A folded process's items are held in a queue of groups. A line joins the first group of the same text (and
/// stream) that does not have that node yet and stands behind the group of that node's previous item, so each
/// node's own order holds; else it opens a group at the back. An event (started, exited, a gap) is a group of one
/// placed right behind its node's previous item (and the events already standing there), or at the front when none is held: a node's <c>started</c> often
/// comes after another node's first line, and placed at the back it would push this node's copy of that line out of
/// its group. Groups leave from the front, in order, once complete (an event always is; a line once every node
/// expected that has not ended is in it) or due (opened + window), so nothing waits longer than its window. A node
/// ends with its <c>exited</c> or its <c>node-down</c>; once all have, and nothing is held, folding that process is over.
/// A node-down waits behind its node's held items in every folded process (two folded tasks may each hold some), as it
/// follows the node's last record everywhere else.</para>
/// A plain class on the merge's thread; times are the aggregator's clock when items arrive here.
/// </summary>
public sealed class LineFolder
{
    /// <summary>The longest a line waits for a node of its task that has not started the command yet.</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Fold> _folds = new(StringComparer.Ordinal);
    // Node-downs waiting for their node's last held group in each fold to leave, in the order they came.
    private readonly List<(OutputItem Item, Group[] Behind)> _downs = [];

    /// <summary>Whether some process is folded now: while none is, every item passes as it came.</summary>
    public bool Folding => _folds.Count > 0;

    /// <summary>Whether any item is held, waiting for other nodes' copies or for its window.</summary>
    public bool Holding
    {
        get
        {
            foreach (var fold in _folds.Values)
                if (fold.Queue.Count > 0) return true;
            return _downs.Count > 0;
        }
    }

    /// <summary>
    /// From now on, fold <paramref name="process"/>'s items, holding each group at most <paramref name="window"/> for
    /// the copies of <paramref name="nodes"/>. No nodes at first means they are not known yet (the task is asked for
    /// before its nodes answer, so that none of its lines goes by unfolded): until they are, each group waits its
    /// window. Asked again for a process folded now, it takes <paramref name="nodes"/> as the ones that run it
    /// (those that answered ok); call <see cref="Release"/> after, as what waited for others may now be complete.
    /// </summary>
    public void Start(string process, IReadOnlyCollection<string> nodes, TimeSpan window)
    {
        if (_folds.TryGetValue(process, out var fold)) fold.Expect(nodes);
        else _folds[process] = new Fold(nodes.Count > 0 ? nodes : null, window);
    }

    /// <summary>
    /// Takes one item the reorder buffer released: holds it when it is of a folded process, else appends it to
    /// <paramref name="output"/>; then appends whatever groups that made ready, in order.
    /// </summary>
    public void Add(in OutputItem item, DateTime now, List<OutputItem> output)
    {
        var record = item.Record;
        if (record.Kind == RecordKind.NodeDown)
        {
            NodeDown(item, now, output);
            return;
        }
        if (_folds.Count == 0 || record.Process is null || !_folds.TryGetValue(record.Process, out var folded))
        {
            output.Add(item);
            return;
        }
        if (record.Kind == RecordKind.Started) folded.Started(item.Node, now);
        folded.Hold(item, now);
        if (record.Kind == RecordKind.Exited) folded.End(item.Node);
        Drain(record.Process, folded, now, output);
    }

    // A node's node-down follows its last record (the reorder buffer's promise), so it waits behind that node's held
    // items in every fold, if any (the task queue reads a task's exited after node-down as too late: lost); folds leave
    // on their own windows, so it waits for the last group of the node in each. It ends the node everywhere.
    private void NodeDown(in OutputItem item, DateTime now, List<OutputItem> output)
    {
        var node = item.Node;
        var behind = _folds.Values.Select(f => f.LastHeld(node)).OfType<Group>().ToArray();
        if (behind.Length == 0) output.Add(item);
        else _downs.Add((item, behind));
        foreach (var (process, fold) in _folds.ToArray())
        {
            fold.End(item.Node);
            Drain(process, fold, now, output);
        }
    }

    /// <summary>Appends every group that is complete or due at <paramref name="now"/>, front first.</summary>
    public void Release(DateTime now, List<OutputItem> output)
    {
        if (_folds.Count == 0) return;
        foreach (var (process, fold) in _folds.ToArray()) Drain(process, fold, now, output);
    }

    /// <summary>Everything held, in order, and folding ends (shutdown, or after the merge failed).</summary>
    public void ReleaseAll(List<OutputItem> output)
    {
        foreach (var fold in _folds.Values)
            while (fold.Queue.Count > 0) Leave(fold, output);
        _folds.Clear();
    }

    private void Drain(string process, Fold fold, DateTime now, List<OutputItem> output)
    {
        while (fold.Queue.Count > 0 && (fold.IsComplete(fold.Queue.First!.Value) || now >= fold.Due(fold.Queue.First.Value)))
            Leave(fold, output);
        if (fold.Queue.Count == 0 && fold.AllEnded) _folds.Remove(process);
    }

    // The front group leaves, then every node-down whose node has nothing held any more, right behind its last item.
    private void Leave(Fold fold, List<OutputItem> output)
    {
        fold.Dequeue().WriteTo(output);
        for (var i = 0; i < _downs.Count; i++)
            if (Array.TrueForAll(_downs[i].Behind, g => g.Left))
            {
                output.Add(_downs[i].Item);
                _downs.RemoveAt(i--);
            }
    }

    /// <summary>What a group is of: its kind, and for a line, its stream, whether it is a cut piece, and its text.</summary>
    private readonly record struct GroupKey(RecordKind Kind, OutputStream Stream, bool Continued, string Text)
    {
        public static GroupKey Of(in NodeRecord record) => record.Kind == RecordKind.Line
            ? new(record.Kind, record.Stream, record.Continued, Encoding.UTF8.GetString(record.Text.Span))
            : new(record.Kind, OutputStream.Stdout, false, "");
    }

    /// <summary>One folded process: its groups in queue order, and where each node stands.</summary>
    private sealed class Fold(IReadOnlyCollection<string>? expected, TimeSpan window)
    {
        // Places in the queue are numbers with room between them, so an event can be put between two groups.
        private const long Spacing = 1 << 20;

        private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
        // The held group that has each node's latest item: its next item may only stand behind it.
        private readonly Dictionary<string, Group> _lastHeld = new(StringComparer.Ordinal);
        // Line groups held, by key, in queue order (they are only ever opened at the back): which one a line may join.
        private readonly Dictionary<GroupKey, List<Group>> _open = new();

        public TimeSpan Window { get; } = window;

        // The nodes whose started came, and when the last of them did: a node that has not started the command cannot
        // have printed its copy yet, so a line's window runs from then (nodes start a command up to a few hundred ms
        // apart: the task reaches each at its own pace, and a first spawn is slow).
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);
        private DateTime _lastStart;

        public LinkedList<Group> Queue { get; } = new();

        // Null while the nodes that run it are not known: then no line group is complete before its window passes.
        // An array: IsComplete runs for every item held, and looping over an interface would allocate each time.
        private string[]? _expected = expected?.ToArray();

        public bool AllEnded => _expected is { } nodes && Array.TrueForAll(nodes, _ended.Contains);

        public void Expect(IReadOnlyCollection<string> nodes) => _expected = nodes.ToArray();

        public void Started(string node, DateTime now)
        {
            // A node the task was not sent to (not expected) prints nothing of it worth waiting for.
            if ((_expected is null || Array.IndexOf(_expected, node) >= 0) && _started.Add(node)) _lastStart = now;
        }

        /// <summary>
        /// When a group goes out incomplete: its window after it opened, or after the last node started when that was
        /// later; while a node expected has neither started nor ended, at most <see cref="StartWait"/> after it opened.
        /// </summary>
        public DateTime Due(Group group)
        {
            if (group.Key.Kind != RecordKind.Line || _expected is not { } expected) return group.Opened + Window;
            foreach (var node in expected)
                if (!_started.Contains(node) && !_ended.Contains(node)) return group.Opened + (Window > StartWait ? Window : StartWait);
            return (_lastStart > group.Opened ? _lastStart : group.Opened) + Window;
        }

        /// <summary>The held group with <paramref name="node"/>'s latest item, or null when none of its items is held.</summary>
        public Group? LastHeld(string node) => _lastHeld.GetValueOrDefault(node);

        /// <summary>Whether that ended a node it waits for (or may: any node while they are not known).</summary>
        public bool End(string node) => (_expected is null || Array.IndexOf(_expected, node) >= 0) && _ended.Add(node);

        public bool IsComplete(Group group)
        {
            if (group.Key.Kind != RecordKind.Line) return true;
            if (_expected is not { } expected) return false;
            foreach (var node in expected)
                if (!_ended.Contains(node) && !group.Has(node)) return false;
            return true;
        }

        public void Hold(in OutputItem item, DateTime now)
        {
            var key = GroupKey.Of(item.Record);
            var previous = _lastHeld.GetValueOrDefault(item.Node);
            Group group;
            if (key.Kind != RecordKind.Line) group = PlaceBehind(previous, key, now);
            else group = Joinable(key, item.Node, previous?.Place ?? long.MinValue) ?? OpenAtBack(key, now);
            group.Join(item);
            _lastHeld[item.Node] = group;
        }

        public Group Dequeue()
        {
            var group = Queue.First!.Value;
            Queue.RemoveFirst();
            group.Left = true;
            if (group.Key.Kind == RecordKind.Line)
            {
                // Groups leave in queue order, so the one leaving is the first of its key.
                var sameKey = _open[group.Key];
                sameKey.RemoveAt(0);
                if (sameKey.Count == 0) _open.Remove(group.Key);
            }
            foreach (var node in group.Nodes)
                if (_lastHeld.GetValueOrDefault(node) == group) _lastHeld.Remove(node);
            return group;
        }

        private Group? Joinable(GroupKey key, string node, long behind)
        {
            if (!_open.TryGetValue(key, out var groups)) return null;
            foreach (var group in groups)
                if (group.Place > behind && !group.Has(node)) return group;
            return null;
        }

        private Group OpenAtBack(GroupKey key, DateTime now)
        {
            var group = new Group(key, now) { Place = Queue.Count == 0 ? 0 : Queue.Last!.Value.Place + Spacing };
            group.Entry = Queue.AddLast(group);
            if (!_open.TryGetValue(key, out var sameKey)) _open[key] = sameKey = [];
            sameKey.Add(group);
            return group;
        }

        private Group PlaceBehind(Group? previous, GroupKey key, DateTime now)
        {
            var group = new Group(key, now);
            var next = previous is null ? Queue.First : previous.Entry!.Next;
            // Behind the events already placed there too: events that stand together keep the order they came in.
            while (previous is not null && next is not null && next.Value.Key.Kind != RecordKind.Line)
                (previous, next) = (next.Value, next.Next);
            if (next is not null && previous is not null && next.Value.Place - previous.Place < 2) Renumber();
            group.Place = (previous, next) switch
            {
                (null, null) => 0,
                (null, { } first) => first.Value.Place - Spacing,
                ({ } p, null) => p.Place + Spacing,
                ({ } p, { } n) => p.Place + (n.Value.Place - p.Place) / 2,
            };
            group.Entry = previous is null ? Queue.AddFirst(group) : Queue.AddAfter(previous.Entry!, group);
            return group;
        }

        // Only when events keep landing in one gap between two groups (a node's events while its last line waits).
        private void Renumber()
        {
            long place = 0;
            foreach (var group in Queue)
            {
                group.Place = place;
                place += Spacing;
            }
        }
    }

    /// <summary>Items held together: copies of one line from several nodes, or one event.</summary>
    private sealed class Group(GroupKey key, DateTime opened)
    {
        private readonly List<OutputItem> _items = new(4);

        public GroupKey Key { get; } = key;
        public DateTime Opened { get; } = opened;

        /// <summary>Where it stands in its queue: a larger place leaves later.</summary>
        public long Place { get; set; }

        public LinkedListNode<Group>? Entry { get; set; }

        /// <summary>Whether it has left the queue (a node-down waiting behind it may follow).</summary>
        public bool Left { get; set; }

        public IEnumerable<string> Nodes => _items.Select(i => i.Node);

        public bool Has(string node)
        {
            foreach (var item in _items)
                if (item.Node == node) return true;
            return false;
        }

        public void Join(in OutputItem item) => _items.Add(item);

        /// <summary>A line printed by several nodes as one shown item and the rest folded away; anything else as it came.</summary>
        public void WriteTo(List<OutputItem> output)
        {
            if (Key.Kind != RecordKind.Line || _items.Count == 1)
            {
                output.AddRange(_items);
                return;
            }
            var nodes = _items.Select(i => i.Node).Order(StringComparer.Ordinal).ToArray();
            output.Add(_items[0] with { FoldedNodes = nodes });
            for (var i = 1; i < _items.Count; i++) output.Add(_items[i] with { FoldedAway = true });
        }
    }
}
