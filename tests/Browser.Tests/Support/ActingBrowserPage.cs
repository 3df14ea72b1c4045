namespace Chorus.Browser.Tests.Support;

/// <summary>
/// A browser next to an aggregator whose node runs a spec, so the page has what a Procfile cannot give:
/// groups (web and api in front) and a process that takes input (echo, a cat with stdin = true). Tests act on
/// processes of their own, one test at a time (xunit runs a class's tests in turn), so they share it.
/// </summary>
public class ActingBrowserPage : BrowserPage
{
    public const string Spec = """
        processes {
          web { command = "i=0; while true; do i=$((i+1)); echo \"web line $i\"; sleep 0.2; done", groups = [front] }
          api { command = "i=0; while true; do i=$((i+1)); echo \"api line $i\"; sleep 0.2; done", groups = [front] }
          solo { command = "i=0; while true; do i=$((i+1)); echo \"solo line $i\"; sleep 0.2; done" }
          worker { command = "while true; do echo working; sleep 0.5; done", groups = [back] }
          echo { command = "cat", stdin = true }
        }
        """;

    public ActingBrowserPage() : this([])
    {
    }

    protected ActingBrowserPage(string[] extraArgs) : base(WatchedAggregator.RunningSpec(Spec, extraArgs))
    {
    }
}

/// <summary>The same, guarded by a token and a read-only watch token (<see cref="GuardedAggregator"/>).</summary>
public sealed class GuardedActingBrowserPage()
    : ActingBrowserPage(["--token-file", GuardedAggregator.TokenFile, "--watch-token-file", GuardedAggregator.WatchTokenFile]);
