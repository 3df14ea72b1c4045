using System.Text;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Tasks;

/// <summary>The task store on a real SQLite file: what a restarted aggregator finds, the log's bound, and a state directory that cannot be used.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TaskStoreTests : IDisposable
{
    private static readonly DateTime At = new(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
    private readonly StateDirectory _state = new();

    private static TaskRequest Request(params string[] command) =>
        new(command, "node:n*", "builds", ["t1"], TimeSpan.FromSeconds(30), Fold: true, TimeSpan.FromMilliseconds(150));

    [Fact]
    public void Ids_go_on_from_the_last_after_a_restart_and_are_never_reused()
    {
        var store = _state.Open();
        Assert.Equal(["t1", "t2"], new[] { store.Add(Request("true"), At).Id, store.Add(Request("true"), At).Id });
        store.Dispose();

        var reopened = _state.Open();
        Assert.Equal("t3", reopened.Add(Request("true"), At).Id);
        Assert.Equal(["t1", "t2", "t3"], reopened.Tasks().Select(t => t.Id));
    }

    [Fact]
    public void A_task_is_read_back_as_it_was_saved_with_its_request_and_nodes()
    {
        var store = _state.Open();
        var task = store.Add(Request("echo", "it's here"), At);
        var saved = task with
        {
            State = TaskState.Finished, StartedAt = At.AddSeconds(1), EndedAt = At.AddSeconds(3), ExitCode = 137, Message = "done",
            Nodes =
            [
                new TaskNodeInfo("n1", TaskNodeState.Exited, At.AddSeconds(1), At.AddSeconds(2), 0, null, ""),
                new TaskNodeInfo("n2", TaskNodeState.Exited, At.AddSeconds(1), At.AddSeconds(3), null, 9, ""),
                new TaskNodeInfo("n3", TaskNodeState.TimedOut, At.AddSeconds(1), null, null, null, "still running"),
            ],
        };
        store.Save(saved);
        store.Dispose();

        var read = Assert.Single(_state.Open().Tasks());
        Assert.Equal((saved.Id, saved.State, saved.StartedAt, saved.EndedAt, saved.ExitCode, saved.Message, saved.QueuedAt),
            (read.Id, read.State, read.StartedAt, read.EndedAt, read.ExitCode, read.Message, read.QueuedAt));
        Assert.Equal(saved.Nodes, read.Nodes);
        Assert.Equal(["echo", "it's here"], read.Request.Command);
        Assert.Equal(("node:n*", "builds", TimeSpan.FromSeconds(30), true, TimeSpan.FromMilliseconds(150)),
            (read.Request.On, read.Request.Group, read.Request.Timeout, read.Request.Fold, read.Request.FoldWindow));
        Assert.Equal(["t1"], read.Request.After);
    }

    [Fact]
    public void Lines_are_kept_in_the_order_given_with_their_node_stream_and_text()
    {
        var store = _state.Open();
        var id = store.Add(Request("true"), At).Id;
        store.AddLines([Line("n1", id, 1, "first"), Line("n2", id, 1, "second", OutputStream.Stderr), Line("n1", "t99", 1, "no such task"), Line("n1", null, 1, "web")]);
        store.AddLines([Line("n1", id, 2, "third")]);
        store.Dispose();

        var reopened = _state.Open();
        var log = reopened.Log(id)!;
        Assert.Equal([("n1", "first", OutputStream.Stdout), ("n2", "second", OutputStream.Stderr), ("n1", "third", OutputStream.Stdout)],
            log.Select(i => (i.Node, Encoding.UTF8.GetString(i.Record.Text.Span), i.Record.Stream)));
        Assert.All(log, i => Assert.Equal("task-" + id, i.Record.Process));
        Assert.Null(reopened.Log("t99"));
    }

    [Fact]
    public void Past_the_bound_lines_are_counted_not_kept_and_the_log_ends_with_a_gap_saying_how_many()
    {
        var store = _state.Open(maxLogBytes: 10);
        var id = store.Add(Request("true"), At).Id;
        store.AddLines([Line("n1", id, 1, "12345"), Line("n1", id, 2, "6789")]);
        store.AddLines([Line("n1", id, 3, "too long"), Line("n1", id, 4, "x"), Line("n1", id, 5, "more")]);
        store.Dispose();

        var log = _state.Open(maxLogBytes: 10).Log(id)!;
        Assert.Equal(["12345", "6789", "x"], log.Where(i => i.Record.Kind == RecordKind.Line).Select(i => Encoding.UTF8.GetString(i.Record.Text.Span)));
        var gap = log[^1].Record;
        Assert.Equal((RecordKind.Gap, 2L, TaskStore.LogFullReason), (gap.Kind, gap.Count, gap.Reason));
    }

    [Fact]
    public void Groups_are_kept()
    {
        var store = _state.Open();
        store.SaveGroup(new TaskGroup("builds", 2, null));
        store.SaveGroup(new TaskGroup("deploys", 1, 1));
        store.SaveGroup(new TaskGroup("builds", 3, 1));
        store.Dispose();
        Assert.Equal([new TaskGroup("builds", 3, 1), new TaskGroup("deploys", 1, 1)], _state.Open().Groups());
    }

    [Fact]
    public void A_state_dir_that_is_a_file_is_refused_with_what_to_do()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_state.Path)!);
        File.WriteAllText(_state.Path, "a file");
        try
        {
            var e = Assert.Throws<CannotKeepTasksException>(() => TaskStore.Open(_state.Path, 1024));
            Assert.Contains($"--state-dir {_state.Path}", e.Message);
            Assert.Contains("Give a directory this user can write", e.Message);
        }
        finally
        {
            File.Delete(_state.Path);
        }
    }

    [Fact]
    public void A_store_file_that_is_not_a_database_is_refused_with_what_to_do()
    {
        Directory.CreateDirectory(_state.Path);
        File.WriteAllText(Path.Combine(_state.Path, TaskStore.FileName), "these are not the pages of a database, just text long enough to be read");
        var e = Assert.Throws<CannotKeepTasksException>(() => TaskStore.Open(_state.Path, 1024));
        Assert.Contains("is not an SQLite database", e.Message);
        Assert.Contains("Move it away", e.Message);
    }

    [Fact]
    public void A_state_dir_another_store_has_open_is_refused_until_that_one_is_closed()
    {
        // A second aggregator on the same --state-dir would take the first's running tasks for lost and run its queued ones too.
        var first = _state.Open();
        var e = Assert.Throws<CannotKeepTasksException>(() => TaskStore.Open(_state.Path, 1024));
        Assert.Contains($"--state-dir {_state.Path}", e.Message);
        Assert.Contains("another aggregator", e.Message);
        first.Dispose();
        Assert.Empty(_state.Open().Tasks());
    }

    [Fact]
    public void A_store_file_damaged_past_its_first_page_is_refused_at_open_not_found_later()
    {
        var store = _state.Open();
        for (var i = 0; i < 200; i++) store.Add(Request("echo", new string('x', 500)), At);
        store.Dispose();
        // The tasks' pages overwritten, the file's header and schema left as they were (a disk that lost a write).
        using (var file = File.OpenWrite(Path.Combine(_state.Path, TaskStore.FileName)))
        {
            file.Position = 3 * 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, 8 * 4096).ToArray());
        }
        var e = Assert.Throws<CannotKeepTasksException>(() => _state.Open());
        Assert.Contains($"--state-dir {_state.Path}", e.Message);
        Assert.Contains("is damaged", e.Message);
    }

    [Fact]
    public void A_new_state_dir_is_private()
    {
        _state.Open();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_state.Path));
    }

    [Theory]
    [InlineData("t1", 1L)]
    [InlineData("t42", 42L)]
    [InlineData("t0", null)]
    [InlineData("t01", null)]
    [InlineData("t", null)]
    [InlineData("T1", null)]
    [InlineData("t1x", null)]
    [InlineData("t-1", null)]
    [InlineData("t99999999999999999999", null)]
    public void Task_ids_are_t_and_a_number_from_1(string id, long? seq) => Assert.Equal(seq, TaskStore.SeqOf(id));

    private static OutputItem Line(string node, string? id, long seq, string text, OutputStream stream = OutputStream.Stdout) =>
        new(node, NodeRecord.Line(id is null ? "web" : "task-" + id, stream, seq, At, Encoding.UTF8.GetBytes(text), continued: false));

    public void Dispose() => _state.Dispose();
}
