using Chorus.Hosting;

namespace Chorus.Node.Procfile;

/// <summary>
/// Reads foreman's Procfile format: one <c>name: command</c> per line, blank lines and <c>#</c> comment lines
/// ignored. Unlike foreman, which silently skips lines it does not understand, every such line is an error:
/// a typo would otherwise mean a process that quietly never starts.
/// </summary>
public static class ProcfileParser
{
    /// <param name="path">The path as the user gave it; messages repeat it unchanged.</param>
    public static IReadOnlyList<ProcfileEntry> Load(string path)
    {
        var text = UserFile.ReadAllText(path, () => ProcfileErrors.IsDirectory(path), () => ProcfileErrors.NotFound(path),
            reason => ProcfileErrors.Unreadable(path, reason));
        return Parse(text, path);
    }

    /// <param name="sourceName">Where the text came from, as the user knows it; used in messages.</param>
    public static IReadOnlyList<ProcfileEntry> Parse(string text, string sourceName)
    {
        var entries = new List<ProcfileEntry>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        // Splitting on LF and trimming each line handles CRLF files too.
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index].Trim();
            // Only whole-line comments: a command may contain '#' (echo "#1").
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var entry = ParseEntry(line, lineNumber, sourceName);
            if (!firstLineOf.TryAdd(entry.Name, lineNumber))
                throw ProcfileErrors.Duplicate(sourceName, lineNumber, entry.Name, firstLineOf[entry.Name]);
            entries.Add(entry);
        }
        return entries.Count > 0 ? entries : throw ProcfileErrors.NoEntries(sourceName);
    }

    private static ProcfileEntry ParseEntry(string line, int lineNumber, string sourceName)
    {
        var colon = line.IndexOf(':');
        if (colon < 0)
            throw ProcfileErrors.NoColon(sourceName, lineNumber, line);
        var name = line[..colon].TrimEnd();
        var command = line[(colon + 1)..].Trim();
        if (name.Length == 0)
            throw ProcfileErrors.NoName(sourceName, lineNumber, line);
        if (!IsValidName(name))
            throw ProcfileErrors.BadName(sourceName, lineNumber, name, line);
        if (IsTaskName(name))
            throw ProcfileErrors.TaskName(sourceName, lineNumber, name);
        if (command.Length == 0)
            throw ProcfileErrors.NoCommand(sourceName, lineNumber, name);
        return new ProcfileEntry(name, command, lineNumber);
    }

    // A task runs as task-ID and is found by that name (its log, run's output, its end), so no other process may take one.
    internal static bool IsTaskName(string name) => name.StartsWith("task-", StringComparison.OrdinalIgnoreCase);

    // Foreman's rule, [A-Za-z0-9_-]+: names become actor names and labels in the merged output. A spec's names follow it too.
    internal static bool IsValidName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return false;
        }
        return true;
    }
}
