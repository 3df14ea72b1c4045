using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>
/// Loads the HOCON files shipped in hocon/ next to the executable (never from the working directory, so a
/// program behaves the same wherever it is started). Earlier files win over later ones.
/// </summary>
public static class HoconFiles
{
    public static Config Load(params string[] names)
    {
        var config = Config.Empty;
        foreach (var name in names)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "hocon", name);
            if (!File.Exists(path))
                throw new InvalidOperationException($"Configuration file {path} is missing: the installation is incomplete. Rebuild or reinstall Chorus.");
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
        }
        return config;
    }

    /// <summary>Quotes a value for a HOCON override built from a command-line flag.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
