using Chorus.Hosting;

namespace Chorus.Node.Procfile;

/// <summary>A command given after -- on the command line, turned into the one entry a node runs.</summary>
public static class CommandEntry
{
    /// <summary>Where such an entry was written, for error messages.</summary>
    public const string Origin = "the command after --";

    /// <summary>
    /// Named after the program (its file name, cleaned to Procfile name characters), quoted for /bin/sh; "command" when
    /// that name would be empty or a task's (task-...).
    /// </summary>
    public static ProcfileEntry From(IReadOnlyList<string> command)
    {
        var program = Path.GetFileName(command[0]);
        var name = new string(program.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray());
        return new ProcfileEntry(name.Length > 0 && !ProcfileParser.IsTaskName(name) ? name : "command", ShellWords.Join(command), LineNumber: 0);
    }
}
