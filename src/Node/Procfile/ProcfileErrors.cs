namespace Chorus.Node.Procfile;

/// <summary>Every message a user can get about their Procfile, kept together so the wording stays alike.</summary>
internal static class ProcfileErrors
{
    public static ProcfileException NotFound(string source) =>
        new($"Procfile \"{source}\" was not found. Pass an existing file with --procfile, e.g. examples/Procfile.");

    public static ProcfileException IsDirectory(string source) =>
        new($"Procfile \"{source}\" is a directory. Pass the file itself with --procfile, e.g. {Path.Combine(source, "Procfile")}.");

    public static ProcfileException Unreadable(string source, string reason) =>
        new($"Procfile \"{source}\" could not be read: {reason} Check that the file exists and is readable.");

    public static ProcfileException NoEntries(string source) =>
        new($"Procfile \"{source}\" defines no processes. Add one line per process, e.g. \"web: python3 -m http.server 8000\".");

    public static ProcfileException NoColon(string source, int line, string text) =>
        new($"{source} line {line}: \"{text}\" has no colon. Write NAME: COMMAND, e.g. \"web: {text}\".");

    public static ProcfileException NoName(string source, int line, string text) =>
        new($"{source} line {line}: \"{text}\" has no process name before the colon. Write NAME: COMMAND, e.g. \"web{text}\".");

    public static ProcfileException BadName(string source, int line, string name, string text) =>
        new($"{source} line {line}: \"{name}\" in \"{text}\" is not a valid process name. " +
            "Use only letters, digits, '_' and '-'.");

    public static ProcfileException TaskName(string source, int line, string name) =>
        new($"{source} line {line}: \"{name}\" starts with \"task-\", which is reserved for the tasks the aggregator runs (task-t1, ...). Rename the process.");

    public static ProcfileException NoCommand(string source, int line, string name) =>
        new($"{source} line {line}: \"{name}\" has no command after the colon. Write the command to run, e.g. \"{name}: ./start.sh\".");

    public static ProcfileException Duplicate(string source, int line, string name, int firstLine) =>
        new($"{source} line {line}: \"{name}\" is already defined on line {firstLine}. Give each process its own name.");
}
