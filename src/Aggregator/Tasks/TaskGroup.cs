using System.Text.RegularExpressions;

namespace Chorus.Aggregator.Tasks;

/// <summary>
/// A queue group: at most <paramref name="Parallel"/> of its tasks run at once fleet-wide, and at most
/// <paramref name="PerNode"/> on any one node (null: no limit). A group nobody set has <see cref="DefaultFor"/>'s limits.
/// </summary>
public sealed partial record TaskGroup(string Name, int? Parallel, int? PerNode)
{
    public const int MaxLimit = 10_000;

    /// <summary>
    /// "default" has no limit, so a plain <c>run</c> starts at once, as pdsh does; any other group runs one task at a
    /// time until set otherwise (as pueue's new groups do): naming a group is asking to queue.
    /// </summary>
    public static TaskGroup DefaultFor(string name) =>
        name == TaskRequest.DefaultGroup ? new TaskGroup(name, null, null) : new TaskGroup(name, 1, null);

    /// <summary>1 to 64 of A-Z a-z 0-9 . _ - (it travels in URLs and the CLI).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
