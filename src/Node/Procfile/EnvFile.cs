using System.Text;
using Chorus.Hosting;

namespace Chorus.Node.Procfile;

/// <summary>
/// Reads foreman's <c>.env</c> format: one <c>KEY=value</c> a line, an optional <c>export </c> prefix, blank lines
/// and <c>#</c> comment lines ignored. A value is taken as written ('single quotes': exactly what is inside;
/// "double quotes": <c>\n</c> and <c>\r</c> become line breaks and any other backslash keeps the next character,
/// as foreman and dotenv do; unquoted: trimmed, a " #" starts a comment). No $VAR expansion, as in foreman.
/// Unlike foreman, which skips a line it does not understand, such a line is an error naming its file and line:
/// a typo would otherwise mean a variable that is quietly never set.
/// </summary>
public static class EnvFile
{
    /// <param name="path">The path as the user gave it; messages repeat it unchanged.</param>
    public static IReadOnlyDictionary<string, string> Load(string path)
    {
        var text = UserFile.ReadAllText(path,
            () => new UsageException($"Environment file \"{path}\" is a directory. Give a file of KEY=value lines, e.g. --env-file {Path.Combine(path, ".env")}."),
            () => new UsageException($"Environment file \"{path}\" was not found. Give an existing file of KEY=value lines, e.g. --env-file .env."),
            reason => new UsageException($"Environment file \"{path}\" could not be read: {reason} Check that it is a readable file."));
        return Parse(text, path);
    }

    /// <summary>The variables the text sets; a key set twice keeps its last value.</summary>
    /// <param name="sourceName">Where the text came from, as the user knows it; used in messages.</param>
    public static IReadOnlyDictionary<string, string> Parse(string text, string sourceName)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var (key, value) = ParseLine(line, new LineSource(sourceName, index + 1, line));
            variables[key] = value;
        }
        return variables;
    }

    private sealed record LineSource(string File, int Number, string Text)
    {
        public UsageException Error(string problem, string fix) =>
            new($"{File} line {Number}: \"{Text}\" {problem}. {fix}.");
    }

    private static (string Key, string Value) ParseLine(string line, LineSource source)
    {
        if (line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("export\t", StringComparison.Ordinal))
            line = line[7..].TrimStart();
        var equals = line.IndexOf('=');
        if (equals < 0)
            throw source.Error("has no '='", "Write KEY=value, e.g. \"PORT=8080\", or start the line with # to make it a comment");
        var key = line[..equals].TrimEnd();
        if (!IsValidKey(key))
            throw source.Error($"has \"{key}\" before the '=', which is not a variable name",
                "Use letters, digits and '_', not starting with a digit, e.g. \"DATABASE_URL=postgres://localhost/app\"");
        return (key, ParseValue(line[(equals + 1)..].TrimStart(), source));
    }

    private static string ParseValue(string text, LineSource source)
    {
        if (text.Length == 0) return "";
        if (text[0] is '\'' or '"')
        {
            var quote = text[0];
            var (value, end) = quote == '\'' ? SingleQuoted(text) : DoubleQuoted(text);
            if (end < 0)
                throw source.Error($"has no closing {quote}",
                    quote == '"' ? "Close the quotes on the same line; write \\n for a line break inside them" : "Close the quotes on the same line");
            var rest = text[(end + 1)..].Trim();
            if (rest.Length > 0 && !rest.StartsWith('#'))
                throw source.Error($"has \"{rest}\" after the closing {quote}", "Put the whole value inside the quotes, or start a comment with #");
            return value;
        }
        // An unquoted value ends where a comment starts: a '#' after whitespace (a '#' inside a word, as in a URL, stays).
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '#' && char.IsWhiteSpace(text[i - 1]))
                return text[..i].TrimEnd();
        }
        return text.TrimEnd();
    }

    // Everything up to the next single quote, as written.
    private static (string Value, int End) SingleQuoted(string text)
    {
        var end = text.IndexOf('\'', 1);
        return end < 0 ? ("", -1) : (text[1..end], end);
    }

    private static (string Value, int End) DoubleQuoted(string text)
    {
        var value = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return (value.ToString(), i);
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[++i];
                value.Append(next switch { 'n' => '\n', 'r' => '\r', _ => next });
            }
            else value.Append(c);
        }
        return ("", -1);
    }

    private static bool IsValidKey(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
