namespace Chorus.Node.Processes;

/// <summary>
/// The live members of a process group, read from /proc. Not kill(-group, 0): that counts zombies, and a
/// member orphaned by its leader stays a zombie for as long as PID 1 does not reap it (in many containers,
/// forever), which would make every group look alive. The one reader of /proc/PID/stat (the tests use it too).
/// </summary>
public static class ProcessGroupMembers
{
    public static bool AnyAlive(int group) => Live(group).Any();

    /// <summary>Whether the process runs (not a zombie: one that exited but was not reaped yet counts as gone).</summary>
    public static bool Alive(int pid) => GroupOf(pid) is not null;

    /// <summary>The process group of a live process; null for a zombie or one that is gone.</summary>
    public static int? GroupOf(int pid) => LiveGroupOf($"/proc/{pid}/stat");

    /// <summary>The ids of live (not zombie, not dead) processes in <paramref name="group"/>, found one by one.</summary>
    public static IEnumerable<int> Live(int group)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), out var pid)) continue;
            if (LiveGroupOf(Path.Combine(dir, "stat")) == group) yield return pid;
        }
    }

    /// <summary>The process group of a live process, from its stat file; null for a zombie or one gone while we looked.</summary>
    private static int? LiveGroupOf(string statPath)
    {
        try
        {
            var stat = File.ReadAllText(statPath);
            // After the command, which is in parentheses and may contain anything: state ppid pgrp ...
            var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
            var state = fields[0];
            fields = fields[(fields.IndexOf(' ') + 1)..]; // ppid ...
            fields = fields[(fields.IndexOf(' ') + 1)..]; // pgrp ...
            return state is 'Z' or 'X' ? null : int.Parse(fields[..fields.IndexOf(' ')]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone while we looked
        }
    }
}
