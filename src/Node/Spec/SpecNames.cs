using Chorus.Node.Procfile;

namespace Chorus.Node.Spec;

/// <summary>What a spec's process names, groups and labels may be: they appear in selectors (group:NAME, label:KEY=VALUE).</summary>
internal static class SpecNames
{
    public const int MaxLength = 64;

    public const string Rule = "a name is 1 to 64 of A-Z a-z 0-9 _ - (as in a Procfile); \"all\" and names starting with \"task-\" are reserved";

    /// <summary>What is wrong with <paramref name="name"/> as a process name, or null when it is a good one.</summary>
    public static string? ProblemWith(string name)
    {
        if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
            return "\"all\" is reserved (the selector that names every process)";
        if (ProcfileParser.IsTaskName(name))
            return $"\"{name}\" starts with \"task-\", which is reserved";
        return name.Length is >= 1 and <= MaxLength && ProcfileParser.IsValidName(name) ? null : $"\"{name}\" is not a valid process name";
    }

    /// <summary>A group or label word: a Procfile name's characters, so a selector can name it.</summary>
    public static bool IsWord(string word) => word.Length is >= 1 and <= MaxLength && ProcfileParser.IsValidName(word);

    /// <summary>
    /// A label's value: what a selector's label:KEY=VALUE can write as a plain value (A-Z a-z 0-9 . _ -). Any other
    /// character ('=', ':', a quote, a glob's '*') is refused by the selector's parser or read as a glob, so a value
    /// holding one could never be selected.
    /// </summary>
    public static bool IsLabelValue(string value) =>
        value.Length is >= 1 and <= 200 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
