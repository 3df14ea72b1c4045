using Microsoft.Data.Sqlite;

namespace Chorus.Aggregator.Tasks;

/// <summary>The state directory or its task store cannot be used: the aggregator exits 8 at start, before any node joins.</summary>
public sealed class CannotKeepTasksException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Why <paramref name="path"/> (the store in <paramref name="directory"/>) could not be opened, in words that say what to do.</summary>
    public static CannotKeepTasksException From(string directory, string path, Exception e) => new($"cannot keep the task queue in --state-dir {directory}: " + e switch
    {
        UnauthorizedAccessException or IOException => $"the directory cannot be made or used ({e.Message}). Give a directory this user can write, with --state-dir DIR.",
        SqliteException { SqliteErrorCode: 26 } => $"{path} is not an SQLite database (something else wrote it). Move it away, or give another --state-dir DIR.",
        SqliteException { SqliteErrorCode: 11 } => $"{path} is damaged ({e.Message}). Move it away (sqlite3's .recover may save what it kept), or give another --state-dir DIR.",
        SqliteException { SqliteErrorCode: 8 or 14 } => $"{path} cannot be opened for writing ({e.Message}). Fix its permissions, or give another --state-dir DIR.",
        _ => $"{path}: {e.Message} Fix the file or its directory, or give another --state-dir DIR.",
    }, e);

    /// <summary>Another store (another aggregator, most likely) has the directory open now.</summary>
    public static CannotKeepTasksException InUse(string directory, Exception e) => new(
        $"cannot keep the task queue in --state-dir {directory}: another aggregator uses it now ({e.Message}). " +
        "Stop that one first, or give this one a --state-dir of its own.", e);
}
