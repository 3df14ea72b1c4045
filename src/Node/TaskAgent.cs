namespace Chorus.Node;

/// <summary>What a node offers tasks: whether it runs them (--allow-run), and the labels they select it by (--label).</summary>
public sealed record TaskAgent(bool AllowRun, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Runs no task, has no label.</summary>
    public static readonly TaskAgent None = new(false, new Dictionary<string, string>());
}
