namespace Chorus.Node.Spec;

/// <summary>Signal numbers on Linux, and their names as a spec writes them ("TERM" or "SIGTERM").</summary>
public static class Signals
{
    public const int Hup = 1;
    public const int Int = 2;
    public const int Quit = 3;
    public const int Kill = 9;
    public const int Usr1 = 10;
    public const int Usr2 = 12;
    public const int Term = 15;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = Hup, ["INT"] = Int, ["QUIT"] = Quit, ["KILL"] = Kill, ["USR1"] = Usr1, ["USR2"] = Usr2, ["TERM"] = Term,
        ["ABRT"] = 6, ["ALRM"] = 14, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["WINCH"] = 28,
    };

    /// <summary>The number of a signal name, with or without "SIG", any case; null for a name Chorus does not know.</summary>
    public static int? Parse(string name)
    {
        var bare = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
        return ByName.TryGetValue(bare, out var number) ? number : null;
    }

    /// <summary>"SIGTERM" for 15; "signal 40" for a number without a name Chorus knows.</summary>
    public static string Name(int number) =>
        ByName.FirstOrDefault(pair => pair.Value == number).Key is { } name ? "SIG" + name : $"signal {number}";

    /// <summary>The names Parse knows, for error messages.</summary>
    public static string Known => string.Join(", ", ByName.Keys);
}
