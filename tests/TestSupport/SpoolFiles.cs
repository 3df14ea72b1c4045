namespace Chorus.Tests.Support;

/// <summary>What a node's spool directory holds, read from outside while the node may still be writing and deleting its segments.</summary>
public static class SpoolFiles
{
    /// <summary>The segment files' names, oldest first (they are numbered in the order they were started).</summary>
    public static string[] Segments(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.spool").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];

    /// <summary>Bytes in the segment files; one deleted while it is being measured counts as empty.</summary>
    public static long Bytes(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.spool").Select(f => new FileInfo(f)).Sum(f => f.Exists ? f.Length : 0) : 0;
}
