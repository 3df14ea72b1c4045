namespace Chorus.Hosting;

/// <summary>
/// The rule for node names, the same at both ends: chorus-node checks its own name at start, the aggregator
/// checks every join. Names appear in selectors (so never '@', ',', ':', '!', '*' or spaces), in file names
/// and in the operator's terminal (so nothing that could move the cursor or start a line).
/// </summary>
public static class NodeName
{
    public const int MaxLength = 64;

    public const string Rule = "a node name is 1 to 64 characters, each a letter A-Z or a-z, a digit, '.', '_' or '-'";

    public static bool IsValid(string? name) =>
        name is { Length: >= 1 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// The name given with <paramref name="flag"/>, or else this host's name; a <see cref="UsageException"/> that
    /// states the rule when it breaks it.
    /// </summary>
    public static string FromFlagOrHostName(string? given, string flag)
    {
        var name = given ?? Environment.MachineName;
        if (IsValid(name)) return name;
        throw new UsageException(given is null
            ? $"this host's name \"{PrintableText.Escape(name)}\" cannot be a node name: {Rule}. Give one with {flag} NAME, e.g. {flag} web-1."
            : $"{flag} \"{PrintableText.Escape(name)}\" is not a valid node name: {Rule}. E.g. {flag} web-1.");
    }
}
