using System.Diagnostics;
using System.Globalization;

namespace Chorus.Node.Processes;

/// <summary>
/// How a <c>tty = true</c> process gets its pseudo-terminal: .NET has no pty API, so util-linux
/// <c>script -qefc COMMAND /dev/null</c> makes one (-q no banner, -e its exit status is the command's, 128+N
/// after signal N, -f no buffering, -c the command, /dev/null instead of a typescript file), copying our stdin
/// to the terminal and the terminal to our stdout. script runs the command as <c>$SHELL -c</c>, so SHELL is
/// set to /bin/sh, as for every other process.
/// script's child starts a session of its own (a terminal belongs to one session), so it is NOT in the group
/// setsid made for script. Signals go to that inner group directly: script, signalled itself, answers TERM
/// with a "Session terminated" line, its own SIGTERM-then-SIGKILL to the shell only, and exit status 0, and
/// dies of any other signal, leaving the command behind on a hung-up terminal.
/// </summary>
internal static class ScriptTerminal
{
    // A classic terminal's size (as a VT100's), what most programs assume without one.
    private const int Rows = 24;
    private const int Columns = 80;

    public static void Wrap(ProcessStartInfo start, string command)
    {
        // script gives the terminal the size of its own, and the node has none: 0 x 0, on which programs that lay
        // out by the size (tables, progress bars, editors) break. A line of its own, so any command text follows.
        var sized = $"stty rows {Rows} cols {Columns} 2>/dev/null\n{command}";
        foreach (var arg in new[] { "script", "-qefc", sized, "/dev/null" }) start.ArgumentList.Add(arg);
        start.Environment["SHELL"] = "/bin/sh";
    }

    /// <summary>
    /// The process group (= session) of the command script runs; null until script's child has made it (a
    /// signal to the group before then would reach nobody), or once it is gone.
    /// </summary>
    public static int? InnerGroup(int scriptPid)
    {
        try
        {
            // script has exactly one child: the command's session leader, whose pid is its group's id.
            var children = File.ReadAllText($"/proc/{scriptPid}/task/{scriptPid}/children");
            var first = children.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is null) return null;
            var child = int.Parse(first, CultureInfo.InvariantCulture);
            return ProcessGroupMembers.GroupOf(child) == child ? child : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // script is gone
        }
    }
}
