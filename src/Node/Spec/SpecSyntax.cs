namespace Chorus.Node.Spec;

/// <summary>
/// Checks a spec's brackets, quotes and comments before Akka's HOCON parser sees it, and says on which line
/// something is wrong. Akka 1.5's parser reports no positions, quietly accepts an unclosed string, brace or
/// stray bracket, and never returns on some unclosed arrays or on "${" (it loops, eating memory): without this
/// check a typo would hang the node at start or run a spec that is not what was written.
/// </summary>
internal static class SpecSyntax
{
    private const string NeedQuotes = "$?@!^`&*\\";

    public static void Check(string text, string file)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') { line++; continue; }
            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                continue;
            }
            if (At(text, i, "\"\"\""))
            {
                var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                if (end < 0) throw Error(file, line, "a \"\"\" string is never closed", "close it with \"\"\"");
                line += text.AsSpan(i, end - i).Count('\n');
                // A """ string may end in more quotes ("""a"""" is a""): they belong to it.
                i = end + 2;
                while (i + 1 < text.Length && text[i + 1] == '"') i++;
                continue;
            }
            if (c == '"')
            {
                i = QuotedEnd(text, i, file, line);
                continue;
            }
            if (c == '$' && At(text, i, "${"))
                throw Error(file, line, "substitutions (${...}) are not supported in a spec",
                    "write the value itself, or set it for every process with --env-file FILE");
            // Akka's parser refuses these outside quotes, except in a list, where it never returns.
            if (NeedQuotes.Contains(c))
                throw Error(file, line, $"'{c}' is outside quotes", "put the value in double quotes, e.g. process = \"db@n1\"");
            if (IsInclude(text, i))
                throw Error(file, line, "include is not supported in a spec", "write the processes in this one file");
            // Akka's parser never returns on these directly inside a list (in an object inside one they are fine).
            if (c is '=' or ':' && open.TryPeek(out var innermost) && innermost.Bracket == '[')
                throw Error(file, line, $"'{c}' is inside a list, which holds values, not keys",
                    "write values, e.g. groups = [workers], objects in braces, e.g. [ { process = \"db\" } ], or quote a value that has it");
            switch (c)
            {
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0)
                        throw Error(file, line, $"'{c}' closes nothing", $"remove it, or add the '{expected}' it should close");
                    var (bracket, openedOn) = open.Pop();
                    if (bracket != expected)
                        throw Error(file, line, $"'{c}' closes the '{bracket}' of line {openedOn}",
                            $"close that '{bracket}' with '{Closing(bracket)}' first");
                    break;
            }
        }
        if (open.Count > 0)
        {
            var (bracket, openedOn) = open.Peek();
            throw Error(file, openedOn, $"this '{bracket}' is never closed", $"add the '{Closing(bracket)}' that ends it");
        }
    }

    /// <summary>The line of a syntax error, what is wrong and the fix, as every spec error reads.</summary>
    private static SpecException Error(string file, int line, string what, string fix) =>
        new($"{file} line {line}: {what}; {fix}.");

    // A "..." string ends at the next unescaped quote on the same line.
    private static int QuotedEnd(string text, int start, string file, int line)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\': i++; break;
                case '"': return i;
                case '\n': throw Error(file, line, "a \"...\" string is not closed on its line", "close it with \" (write \\n for a line break)");
            }
        }
        throw Error(file, line, "a \"...\" string is never closed", "close it with \"");
    }

    // include "file", include file("..."), include required(...): a word "include" elsewhere (a process, a command's word) is no include.
    private static bool IsInclude(string text, int i)
    {
        if (!IsWordStart(text, i) || !At(text, i, "include") || IsWordChar(text, i + 7)) return false;
        var next = text.AsSpan(i + 7).TrimStart(" \t");
        return next.StartsWith("\"") || next.StartsWith("file(") || next.StartsWith("url(") || next.StartsWith("classpath(") || next.StartsWith("required(");
    }

    private static char Closing(char bracket) => bracket == '{' ? '}' : ']';

    private static bool At(string text, int i, string word) => string.CompareOrdinal(text, i, word, 0, word.Length) == 0;

    private static bool IsWordChar(string text, int i) => i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '-' or '_' or '.');

    private static bool IsWordStart(string text, int i) => i == 0 || !IsWordChar(text, i - 1);
}
