namespace Chorus.Aggregator.Archive;

/// <summary>The --archive file cannot be read and appended to: the aggregator exits 5 at start, before any node joins.</summary>
public sealed class CannotArchiveException(string message) : Exception(message)
{
    /// <summary>Why the file at <paramref name="path"/> could not be opened, in words that say what to do.</summary>
    public static CannotArchiveException From(string path, Exception e) => new($"cannot use --archive {path}: " + e switch
    {
        DirectoryNotFoundException => $"its directory {Path.GetDirectoryName(Path.GetFullPath(path))} does not exist. Create it, or give another path.",
        UnauthorizedAccessException when Directory.Exists(path) => $"it is a directory, not a file. Give a file in it, e.g. --archive {Path.Combine(path, "chorus-archive.jsonl")}.",
        UnauthorizedAccessException => $"it cannot be opened for reading and appending ({e.Message}). Fix its permissions, or give another path.",
        _ => $"{e.Message} Fix the file, or give another path.",
    });
}
