using System.Text.Json;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;
using Microsoft.Data.Sqlite;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// The task queue's memory across restarts: tasks with their per-node states, groups, and what each task printed, in
/// one SQLite file (<see cref="FileName"/>) in the state directory. Every call is one transaction; a lock makes it
/// safe from the queue actor and the task log sink at once. Committed in WAL mode with synchronous=NORMAL: a kill -9
/// loses nothing committed (a power cut may lose the last moments).
/// <para>Each task keeps at most max-log-bytes of line text (<see cref="TaskSettings"/>): the first lines; those past
/// it are counted, and its log ends with a <see cref="RecordKind.Gap"/> (<see cref="LogFullReason"/>) saying how many.</para>
/// Ids come from an AUTOINCREMENT key, which SQLite never hands out twice, so "t7" is never reused after a restart.
/// </summary>
public sealed class TaskStore : IDisposable
{
    public const string FileName = "tasks.db";
    /// <summary>Held locked while the store is open: a second aggregator on the same directory is refused at start.</summary>
    public const string LockFileName = "tasks.lock";
    public const string LogFullReason = "task-log-full";

    private readonly SqliteConnection _connection;
    private readonly FileStream _directoryLock;
    private readonly long _maxLogBytes;
    private readonly Lock _lock = new();
    // Per task: bytes of text kept and lines not kept, read once from the file, then kept here (only AddLines changes them).
    private readonly Dictionary<long, LogSize> _logSizes = new();

    private TaskStore(SqliteConnection connection, FileStream directoryLock, long maxLogBytes)
    {
        _connection = connection;
        _directoryLock = directoryLock;
        _maxLogBytes = maxLogBytes;
    }

    private sealed class LogSize(long bytes, long dropped)
    {
        public long Bytes { get; set; } = bytes;
        public long Dropped { get; set; } = dropped;
    }

    /// <summary>Opens (or creates) the store in <paramref name="directory"/>; a directory or file that cannot be used is a <see cref="CannotKeepTasksException"/>.</summary>
    public static TaskStore Open(string directory, long maxLogBytes)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsLinux()) Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                else Directory.CreateDirectory(directory);
            }
            var directoryLock = Lock(directory);
            try
            {
                // Pooling off: the file is closed with the store, so a test (or a person) can remove the directory after.
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
                connection.Open();
                Execute(connection, Schema);
                var store = new TaskStore(connection, directoryLock, maxLogBytes);
                try
                {
                    // Read once here what the queue reads at its start: a file damaged past its first pages is refused
                    // now (exit 8) rather than found by the queue, which could then answer nothing.
                    store.Tasks();
                    store.Groups();
                    return store;
                }
                catch
                {
                    store.Dispose();
                    throw;
                }
            }
            catch
            {
                directoryLock.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw CannotKeepTasksException.From(directory, path, e);
        }
    }

    // Two aggregators on one directory would each take the other's running tasks for lost (never to be run again) and
    // both run the queued ones. FileShare.None is an exclusive flock on Unix, which the kernel drops when the process
    // ends, kill -9 included, so a restart is never refused because of the one before.
    private static FileStream Lock(string directory)
    {
        var path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw CannotKeepTasksException.InUse(directory, e);
        }
    }

    // journal_mode=WAL also checks that the file is a database: a file of something else fails here, at start.
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS tasks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL, on_nodes TEXT NOT NULL, grp TEXT NOT NULL, after TEXT NOT NULL,
            timeout_ms INTEGER, fold INTEGER NOT NULL, fold_window_ms INTEGER NOT NULL,
            state TEXT NOT NULL, queued_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER,
            exit_code INTEGER, message TEXT NOT NULL,
            log_bytes INTEGER NOT NULL DEFAULT 0, lines_dropped INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS task_nodes (
            seq INTEGER NOT NULL, node TEXT NOT NULL, state TEXT NOT NULL, started_at INTEGER, ended_at INTEGER,
            exit_code INTEGER, signal INTEGER, message TEXT NOT NULL, PRIMARY KEY (seq, node));
        CREATE TABLE IF NOT EXISTS task_lines (
            id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, node TEXT NOT NULL, stream INTEGER NOT NULL,
            line_seq INTEGER NOT NULL, ts INTEGER NOT NULL, continued INTEGER NOT NULL, text BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS task_lines_by_task ON task_lines (seq, id);
        CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, parallel INTEGER, per_node INTEGER);
        """;

    /// <summary>Keeps a new task, queued: its id is the next one never used.</summary>
    public TaskInfo Add(TaskRequest request, DateTime queuedAt)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO tasks (command, on_nodes, grp, after, timeout_ms, fold, fold_window_ms, state, queued_at, message)
                VALUES ($command, $on, $grp, $after, $timeout, $fold, $window, $state, $queued, '') RETURNING seq
                """;
            command.Parameters.AddWithValue("$command", JsonSerializer.Serialize(request.Command));
            command.Parameters.AddWithValue("$on", request.On);
            command.Parameters.AddWithValue("$grp", request.Group);
            command.Parameters.AddWithValue("$after", JsonSerializer.Serialize(request.After));
            command.Parameters.AddWithValue("$timeout", (object?)(long?)request.Timeout?.TotalMilliseconds ?? DBNull.Value);
            command.Parameters.AddWithValue("$fold", request.Fold);
            command.Parameters.AddWithValue("$window", (long)request.FoldWindow.TotalMilliseconds);
            command.Parameters.AddWithValue("$state", TaskState.Queued.Name());
            command.Parameters.AddWithValue("$queued", queuedAt.Ticks);
            var seq = (long)command.ExecuteScalar()!;
            return new TaskInfo(IdOf(seq), request, TaskState.Queued, queuedAt, null, null, null, "", []);
        }
    }

    /// <summary>Writes the task's state, times, exit code, message and nodes as they are now (its request never changes).</summary>
    public void Save(TaskInfo task)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            var seq = SeqOf(task.Id) ?? throw new ArgumentException($"{task.Id} is not a task id", nameof(task));
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = """
                    UPDATE tasks SET state = $state, started_at = $started, ended_at = $ended, exit_code = $code, message = $message WHERE seq = $seq;
                    DELETE FROM task_nodes WHERE seq = $seq;
                    """;
                command.Parameters.AddWithValue("$seq", seq);
                command.Parameters.AddWithValue("$state", task.State.Name());
                command.Parameters.AddWithValue("$started", Ticks(task.StartedAt));
                command.Parameters.AddWithValue("$ended", Ticks(task.EndedAt));
                command.Parameters.AddWithValue("$code", (object?)task.ExitCode ?? DBNull.Value);
                command.Parameters.AddWithValue("$message", task.Message);
                command.ExecuteNonQuery();
            }
            foreach (var node in task.Nodes)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO task_nodes (seq, node, state, started_at, ended_at, exit_code, signal, message)
                    VALUES ($seq, $node, $state, $started, $ended, $code, $signal, $message)
                    """;
                command.Parameters.AddWithValue("$seq", seq);
                command.Parameters.AddWithValue("$node", node.Node);
                command.Parameters.AddWithValue("$state", node.State.Name());
                command.Parameters.AddWithValue("$started", Ticks(node.StartedAt));
                command.Parameters.AddWithValue("$ended", Ticks(node.EndedAt));
                command.Parameters.AddWithValue("$code", (object?)node.ExitCode ?? DBNull.Value);
                command.Parameters.AddWithValue("$signal", (object?)node.Signal ?? DBNull.Value);
                command.Parameters.AddWithValue("$message", node.Message);
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>Every task, in id order.</summary>
    public IReadOnlyList<TaskInfo> Tasks()
    {
        lock (_lock) return ReadTasks(null);
    }

    /// <summary>The task, or null when no task has that id.</summary>
    public TaskInfo? Find(string id)
    {
        if (SeqOf(id) is not { } seq) return null;
        lock (_lock) return ReadTasks(seq).FirstOrDefault();
    }

    public void SaveGroup(TaskGroup group)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO groups (name, parallel, per_node) VALUES ($name, $parallel, $perNode)";
            command.Parameters.AddWithValue("$name", group.Name);
            command.Parameters.AddWithValue("$parallel", (object?)group.Parallel ?? DBNull.Value);
            command.Parameters.AddWithValue("$perNode", (object?)group.PerNode ?? DBNull.Value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The groups someone set, by name.</summary>
    public IReadOnlyList<TaskGroup> Groups()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT name, parallel, per_node FROM groups ORDER BY name";
            using var reader = command.ExecuteReader();
            var groups = new List<TaskGroup>();
            while (reader.Read())
                groups.Add(new TaskGroup(reader.GetString(0), NullableInt(reader, 1), NullableInt(reader, 2)));
            return groups;
        }
    }

    /// <summary>
    /// Keeps the lines (of processes named task-ID) in one transaction, each task's within its bound; lines of a
    /// process that is no task here (task-t9 left by another state directory) are not kept.
    /// The items' text must be the caller's own copy: the merge's chunks share their buffers.
    /// </summary>
    public void AddLines(IReadOnlyList<OutputItem> lines)
    {
        if (lines.Count == 0) return;
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO task_lines (seq, node, stream, line_seq, ts, continued, text) VALUES ($seq, $node, $stream, $lineSeq, $ts, $continued, $text)
                """;
            var seqParameter = insert.Parameters.Add("$seq", SqliteType.Integer);
            var node = insert.Parameters.Add("$node", SqliteType.Text);
            var stream = insert.Parameters.Add("$stream", SqliteType.Integer);
            var lineSeq = insert.Parameters.Add("$lineSeq", SqliteType.Integer);
            var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
            var continued = insert.Parameters.Add("$continued", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Blob);
            var touched = new HashSet<long>();
            foreach (var item in lines)
            {
                if (item.Record.Process is not { } process || !process.StartsWith(TaskInfo.ProcessPrefix, StringComparison.Ordinal)) continue;
                if (SeqOf(process[TaskInfo.ProcessPrefix.Length..]) is not { } seq || SizeOf(seq) is not { } size) continue;
                touched.Add(seq);
                var length = item.Record.Text.Length;
                if (size.Bytes + length > _maxLogBytes)
                {
                    size.Dropped++;
                    continue;
                }
                size.Bytes += length;
                seqParameter.Value = seq;
                node.Value = item.Node;
                stream.Value = (int)item.Record.Stream;
                lineSeq.Value = item.Record.Seq;
                ts.Value = item.Record.Timestamp.Ticks;
                continued.Value = item.Record.Continued;
                text.Value = item.Record.Text.ToArray();
                insert.ExecuteNonQuery();
            }
            foreach (var seq in touched)
            {
                using var update = _connection.CreateCommand();
                update.CommandText = "UPDATE tasks SET log_bytes = $bytes, lines_dropped = $dropped WHERE seq = $seq";
                update.Parameters.AddWithValue("$bytes", _logSizes[seq].Bytes);
                update.Parameters.AddWithValue("$dropped", _logSizes[seq].Dropped);
                update.Parameters.AddWithValue("$seq", seq);
                update.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>
    /// What the task printed, in the merged stream's order, as the stream's own items (so the stream's formatters
    /// write them), ending with a gap when lines were not kept; null when no task has that id.
    /// </summary>
    public IReadOnlyList<OutputItem>? Log(string id)
    {
        if (SeqOf(id) is not { } seq) return null;
        var process = TaskInfo.ProcessPrefix + id;
        lock (_lock)
        {
            if (SizeOf(seq) is not { } size) return null;
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT node, stream, line_seq, ts, continued, text FROM task_lines WHERE seq = $seq ORDER BY id";
            command.Parameters.AddWithValue("$seq", seq);
            using var reader = command.ExecuteReader();
            var items = new List<OutputItem>();
            var last = DateTime.MinValue;
            while (reader.Read())
            {
                var timestamp = new DateTime(reader.GetInt64(3), DateTimeKind.Utc);
                last = timestamp > last ? timestamp : last;
                items.Add(new OutputItem(reader.GetString(0), NodeRecord.Line(process, (OutputStream)reader.GetInt32(1), reader.GetInt64(2),
                    timestamp, (byte[])reader.GetValue(5), reader.GetBoolean(4))));
            }
            if (size.Dropped > 0)
                items.Add(new OutputItem("", NodeRecord.Gap(process, size.Dropped, LogFullReason, last == DateTime.MinValue ? DateTime.UtcNow : last)));
            return items;
        }
    }

    public static string IdOf(long seq) => "t" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The number in "t7"; null for anything that is not a task id.</summary>
    public static long? SeqOf(string id) =>
        id.Length > 1 && id[0] == 't' && id[1] != '0' && id.Skip(1).All(char.IsAsciiDigit)
        && long.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq)
            ? seq : null;

    private LogSize? SizeOf(long seq)
    {
        if (_logSizes.TryGetValue(seq, out var size)) return size;
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT log_bytes, lines_dropped FROM tasks WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return _logSizes[seq] = new LogSize(reader.GetInt64(0), reader.GetInt64(1));
    }

    private List<TaskInfo> ReadTasks(long? only)
    {
        var nodes = new Dictionary<long, List<TaskNodeInfo>>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, node, state, started_at, ended_at, exit_code, signal, message FROM task_nodes"
                                  + (only is null ? "" : " WHERE seq = $seq") + " ORDER BY seq, node";
            if (only is { } seq) command.Parameters.AddWithValue("$seq", seq);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var list = nodes.TryGetValue(reader.GetInt64(0), out var found) ? found : nodes[reader.GetInt64(0)] = [];
                list.Add(new TaskNodeInfo(reader.GetString(1), NodeStateOf(reader.GetString(2)), Time(reader, 3), Time(reader, 4),
                    NullableInt(reader, 5), NullableInt(reader, 6), reader.GetString(7)));
            }
        }
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, command, on_nodes, grp, after, timeout_ms, fold, fold_window_ms, state, queued_at, started_at, ended_at, exit_code, message FROM tasks"
                                  + (only is null ? "" : " WHERE seq = $seq") + " ORDER BY seq";
            if (only is { } one) command.Parameters.AddWithValue("$seq", one);
            using var reader = command.ExecuteReader();
            var tasks = new List<TaskInfo>();
            while (reader.Read())
            {
                var seq = reader.GetInt64(0);
                var request = new TaskRequest(
                    JsonSerializer.Deserialize<string[]>(reader.GetString(1))!, reader.GetString(2), reader.GetString(3),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(4))!,
                    reader.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                    reader.GetBoolean(6), TimeSpan.FromMilliseconds(reader.GetInt64(7)));
                tasks.Add(new TaskInfo(IdOf(seq), request, StateOf(reader.GetString(8)), new DateTime(reader.GetInt64(9), DateTimeKind.Utc),
                    Time(reader, 10), Time(reader, 11), NullableInt(reader, 12), reader.GetString(13),
                    nodes.TryGetValue(seq, out var of) ? of : []));
            }
            return tasks;
        }
    }

    private static TaskState StateOf(string name) => Enum.GetValues<TaskState>().First(s => s.Name() == name);

    private static TaskNodeState NodeStateOf(string name) => Enum.GetValues<TaskNodeState>().First(s => s.Name() == name);

    private static object Ticks(DateTime? time) => (object?)time?.Ticks ?? DBNull.Value;

    private static DateTime? Time(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTime(reader.GetInt64(column), DateTimeKind.Utc);

    private static int? NullableInt(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetInt32(column);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
            _directoryLock.Dispose();
        }
    }
}
