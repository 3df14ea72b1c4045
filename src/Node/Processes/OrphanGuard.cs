using System.ComponentModel;
using System.Diagnostics;
using Chorus.Hosting;

namespace Chorus.Node.Processes;

/// <summary>
/// Makes sure children die with the node, however the node dies. Children run in process groups of their
/// own (so a signal reaches everything a command started), which also means nothing takes them down when
/// the node is killed with kill -9. So one small watchdog shell per node process, in a session of its own,
/// reads the process group ids of running children from a pipe. The kernel closes that pipe when the node
/// dies, for any reason; the watchdog then sends SIGTERM to every group it still knows and SIGKILL two
/// seconds later. Chosen over prctl(PR_SET_PDEATHSIG), which fires when the creating *thread* ends (and
/// .NET starts processes from whatever thread asks), and over a pid file, which needs someone alive to read it.
/// Groups are forgotten once their child is disposed, so an id the kernel hands out again is never signalled.
/// Process-wide by nature: it guards this OS process's children, whichever actor started them.
/// </summary>
public static class OrphanGuard
{
    // Ignores the signals a terminal sends the node's group; quiet; keeps a set of ids; on EOF, ends the groups.
    private const string Script = """
        trap '' INT TERM HUP QUIT
        exec >/dev/null 2>&1
        groups=""
        while read -r line; do
          case "$line" in
            +*) groups="$groups ${line#+}" ;;
            -*) kept=""; for g in $groups; do [ "$g" = "${line#-}" ] || kept="$kept $g"; done; groups="$kept" ;;
          esac
        done
        [ -z "$groups" ] && exit 0
        for g in $groups; do kill -TERM -"$g"; done
        sleep 2
        for g in $groups; do kill -KILL -"$g"; done
        """;

    private static readonly Lazy<StreamWriter?> Pipe = new(Start);
    private static readonly Lock Gate = new();

    public static void Watch(int processGroup) => Send($"+{processGroup}");

    public static void Forget(int processGroup) => Send($"-{processGroup}");

    private static void Send(string line)
    {
        if (Pipe.Value is not { } pipe) return;
        lock (Gate)
        {
            try
            {
                pipe.WriteLine(line);
                pipe.Flush();
            }
            catch (IOException)
            {
                // The watchdog is gone (someone killed it): children still stop with the node when it stops cleanly.
            }
        }
    }

    private static StreamWriter? Start()
    {
        var start = new ProcessStartInfo("setsid") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "/bin/sh", "-c", Script }) start.ArgumentList.Add(arg);
        try
        {
            // The pipe is created close-on-exec, so children never inherit it: EOF means the node is gone.
            return Process.Start(start)?.StandardInput;
        }
        catch (Win32Exception e)
        {
            Notice.Warning($"cannot start the orphan guard ({e.Message}); if the node is killed, its processes keep running.");
            return null;
        }
    }
}
