using System.CommandLine;
using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>
/// --config FILE: the user's own HOCON, between the flags (which win) and the shipped hocon/*.conf
/// defaults. Any key documented in those files can be set there, e.g. chorus.node.resend-after = 5s.
/// </summary>
public static class ConfigFile
{
    public static readonly Option<string?> Option = new("--config")
    {
        Description = "A HOCON file whose keys override the shipped defaults (hocon/*.conf); flags override it in turn.",
    };

    /// <summary>
    /// A program's whole configuration, in the order that wins: <paramref name="flagOverrides"/> (HOCON the flags
    /// made), then --config FILE, then the shipped <paramref name="shippedFiles"/>.
    /// </summary>
    public static Config Compose(string flagOverrides, ParseResult parsed, params string[] shippedFiles) =>
        ConfigurationFactory.ParseString(flagOverrides)
            .WithFallback(From(parsed))
            .WithFallback(HoconFiles.Load(shippedFiles));

    /// <summary>The file's configuration, or empty when --config was not given.</summary>
    public static Config From(ParseResult parsed)
    {
        if (parsed.GetValue(Option) is not { } path) return Config.Empty;
        if (Directory.Exists(path))
            throw new UsageException($"--config {path}: is a directory, not a file. Give a readable HOCON file, e.g. one holding chorus.aggregator.node-timeout = 20s.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config {path}: cannot read it ({e.Message}). Give a readable HOCON file, e.g. one holding chorus.aggregator.node-timeout = 20s.");
        }
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The HOCON parser throws several exception types, each with the line and what it expected.
            throw new UsageException($"--config {path} is not valid HOCON: {e.Message} Fix the file; the shipped hocon/*.conf files show the syntax.");
        }
    }
}
