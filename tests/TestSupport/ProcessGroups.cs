namespace Chorus.Tests.Support;

/// <summary>What is left of a process group, read from /proc; and a way to leave nothing of it behind.</summary>
public static class ProcessGroups
{
    /// <summary>Live (not zombie) processes whose process group is <paramref name="group"/>.</summary>
    public static List<int> Members(int group)
    {
        var members = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command (which is in parentheses and may contain spaces): state ppid pgrp ...
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2]) == group) members.Add(pid);
            }
            catch (IOException)
            {
                // gone while we looked
            }
        }
        return members;
    }

    /// <summary>SIGKILL to every member, for a test's cleanup: a failed test must not leave its processes running.</summary>
    public static void Kill(int group)
    {
        foreach (var pid in Members(group))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
    }
}
