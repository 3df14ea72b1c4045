namespace Chorus.Hosting;

/// <summary>
/// Words a user's shell already split (a command after --, a task's command), joined back into one command line
/// for /bin/sh -c that gives exactly those words: the node's command entry and the aggregator's tasks both send it.
/// </summary>
public static class ShellWords
{
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    // Left bare only when every character means itself to sh; anything else goes in single quotes, where nothing is special
    // but the quote itself.
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
