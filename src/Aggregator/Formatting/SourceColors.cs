namespace Chorus.Aggregator.Formatting;

/// <summary>
/// A stable colour per source: the same node/proc gets the same colour in every run and on every screen,
/// because it comes from a fixed hash of the name (string.GetHashCode changes per process). Red is left
/// out: it marks stderr.
/// </summary>
public static class SourceColors
{
    private static readonly string[] Palette =
    [
        "\e[36m", "\e[33m", "\e[32m", "\e[35m", "\e[34m",
        "\e[96m", "\e[93m", "\e[92m", "\e[95m", "\e[94m",
    ];

    /// <summary>Every palette entry has the same length, so padding can subtract it.</summary>
    public const int EscapeLength = 5;

    public static string For(string source)
    {
        // FNV-1a: tiny, fixed across runs and platforms, spreads short names well.
        var hash = 2166136261u;
        foreach (var c in source) hash = (hash ^ c) * 16777619u;
        return Palette[hash % (uint)Palette.Length];
    }
}
