namespace Chorus.Node.Processes;

/// <summary>
/// Whether a process group still has a live member, read from /proc. Not kill(-group, 0): that counts zombies,
/// and a member orphaned by its leader stays a zombie for as long as PID 1 does not reap it (in many containers,
/// forever), which would make every group look alive.
/// </summary>
public static class ProcessGroupMembers
{
    public static bool AnyAlive(int group)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // After the command, which is in parentheses and may contain anything: state ppid pgrp ...
                var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
                var state = fields[0];
                fields = fields[(fields.IndexOf(' ') + 1)..]; // ppid ...
                fields = fields[(fields.IndexOf(' ') + 1)..]; // pgrp ...
                var pgrp = int.Parse(fields[..fields.IndexOf(' ')]);
                if (pgrp == group && state != 'Z' && state != 'X') return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone while we looked
            }
        }
        return false;
    }
}
