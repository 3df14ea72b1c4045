namespace Chorus.Hosting;

/// <summary>How much a line on stderr matters; the rubric is in README, "What Chorus says on stderr".</summary>
public enum NoticeLevel
{
    /// <summary>Only when asked for (akka.loglevel = DEBUG in --config FILE).</summary>
    Debug,
    Notice,
    Warning,
    Error,
}
