namespace Chorus.Messages.Control;

/// <summary>What an action does to each process it selects (README, "Verbs"). The names are the API's "verb" values.</summary>
public enum ControlVerb : byte
{
    Start = 0,
    Stop = 1,
    Restart = 2,
    /// <summary>Argument: the signal's name ("HUP", "SIGUSR1").</summary>
    Signal = 3,
    /// <summary>Argument: the number of replicas, per selected process spec.</summary>
    Scale = 4,
    /// <summary>Argument: one line of text for stdin (a newline is added).</summary>
    Input = 5,
}

public static class ControlVerbNames
{
    private static readonly Dictionary<string, ControlVerb> ByName = Enum.GetValues<ControlVerb>().ToDictionary(Name);

    /// <summary>"start", "stop", "restart", "signal", "scale", "input".</summary>
    public static string Name(this ControlVerb verb) => verb.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out ControlVerb verb) => ByName.TryGetValue(name, out verb);

    public static string Known => string.Join(", ", ByName.Keys);
}
