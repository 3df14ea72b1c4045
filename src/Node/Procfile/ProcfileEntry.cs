using System.Collections.Immutable;

namespace Chorus.Node.Procfile;

/// <summary>One process to run: a line <c>name: command</c> of a Procfile.</summary>
/// <param name="Name">Unique within its Procfile; letters, digits, '_' and '-' only.</param>
/// <param name="Command">The shell command, trimmed, never empty.</param>
/// <param name="LineNumber">Where the entry was written (from 1), so later errors can point back to it.</param>
public sealed record ProcfileEntry(string Name, string Command, int LineNumber)
{
    /// <summary>Variables from environment files (see <see cref="EnvFile"/>), set over the node's own environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;
}
