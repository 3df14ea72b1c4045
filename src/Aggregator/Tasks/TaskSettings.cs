using Akka.Configuration;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tasks;

/// <summary>The chorus.aggregator.tasks section, read once: where the task store lives and how much of each task's output it keeps.</summary>
public sealed record TaskSettings(string StateDirectory, long MaxLogBytes)
{
    public static TaskSettings From(Config config)
    {
        var c = new SettingsSection(config, "chorus.aggregator.tasks", "aggregator.conf");
        var configured = c.Text("state-dir");
        return new TaskSettings(
            string.IsNullOrEmpty(configured) ? DefaultStateDirectory() : configured,
            c.Bytes("max-log-bytes", smallest: 0, largest: long.MaxValue));
    }

    /// <summary>$XDG_STATE_HOME/chorus, else ~/.local/state/chorus (the XDG base directory rule for state that outlives a restart).</summary>
    public static string DefaultStateDirectory()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(state)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "chorus")
            : Path.Combine(state, "chorus");
    }
}
