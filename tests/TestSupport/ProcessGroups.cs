using Chorus.Node.Processes;

namespace Chorus.Tests.Support;

/// <summary>What is left of a process group, read from /proc; and a way to leave nothing of it behind.</summary>
public static class ProcessGroups
{
    /// <summary>Live (not zombie) processes whose process group is <paramref name="group"/>: the node's own reading of /proc.</summary>
    public static List<int> Members(int group) => ProcessGroupMembers.Live(group).ToList();

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
