namespace Chorus.Messages.Selection;

/// <summary>
/// Reads a selector (README, "Selectors"): alternatives split by commas, each a run of terms split by
/// whitespace. Every refusal is a <see cref="SelectorException"/> naming the character (counted from 1 in the
/// trimmed text), the term, what is wrong and a way to write it.
/// </summary>
internal static class SelectorParser
{
    private static readonly string[] Prefixes = ["node", "group", "label", "state"];

    private const string Grammar =
        "names use A-Z a-z 0-9 . _ - (globs also * and ?), a term is NAME or node:, group:, label: or state: " +
        "before a value, ! negates a term, space is 'and', comma is 'or'; e.g. group:web node:eu-*, db";

    /// <summary>The alternatives of <paramref name="text"/> (already trimmed), each a non-empty run of terms.</summary>
    public static SelectorTerm[][] Parse(string text)
    {
        if (text.Length == 0)
            throw new SelectorException(
                "the selector is empty; name what to select, e.g. web, group:workers, node:eu-* or all");
        RefuseBadCharacters(text);

        var alternatives = new List<SelectorTerm[]>();
        var start = 0;
        while (true)
        {
            var comma = text.IndexOf(',', start);
            var end = comma < 0 ? text.Length : comma;
            alternatives.Add(ParseAlternative(text, start, end));
            if (comma < 0)
                return alternatives.ToArray();
            start = comma + 1;
        }
    }

    private static void RefuseBadCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsNameCharacter(c) || c is '*' or '?' or ':' or '=' or '!' or ',' || IsBlank(c))
                continue;
            // The character is named by code point, and only printable ASCII is shown as itself: the text may come
            // from a URL or a terminal, and an error message must not carry control characters back.
            var shown = c is > ' ' and < '\x7f' ? $"'{c}' (U+{(int)c:X4})" : $"U+{(int)c:X4}";
            throw new SelectorException(
                $"selector, character {i + 1}: {shown} is not allowed; {Grammar}");
        }
    }

    /// <summary>The whitespace between terms and around commas: ASCII only, like the rest of the language.</summary>
    public static readonly char[] Blanks = [' ', '\t', '\r', '\n'];

    private static bool IsBlank(char c) => Blanks.AsSpan().Contains(c);

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static SelectorTerm[] ParseAlternative(string text, int start, int end)
    {
        var terms = new List<SelectorTerm>();
        var i = start;
        while (true)
        {
            while (i < end && IsBlank(text[i]))
                i++;
            if (i == end)
                break;
            var termStart = i;
            while (i < end && !IsBlank(text[i]))
                i++;
            terms.Add(ParseTerm(text[termStart..i], termStart));
        }
        if (terms.Count == 0)
            throw EmptyAlternative(text, start, end);
        return terms.ToArray();
    }

    private static SelectorException EmptyAlternative(string text, int start, int end)
    {
        // Trimmed text: an empty alternative is before the first comma, after the last, or between two; the
        // character named is the comma to remove (counted from 1).
        var (where, at) = start == 0 ? ("starts with a comma", end + 1)
            : end == text.Length ? ("ends with a comma", start)
            : ("has two commas with nothing between them", end + 1);
        return new SelectorException(
            $"selector, character {at}: the selector {where}, and an empty alternative selects nothing; " +
            "remove the extra comma, e.g. web, db (comma is 'or'; write all to select everything)");
    }

    private static SelectorTerm ParseTerm(string term, int offset)
    {
        var negated = term[0] == '!';
        var body = negated ? term[1..] : term;
        if (negated && body.Length == 0)
            throw Refused(offset, term, "'!' negates nothing",
                "write it right before the term it negates, with no space, e.g. !group:web");
        if (body.StartsWith('!'))
            throw Refused(offset, term, "'!!' negates twice, which is the term itself",
                $"write {Shortened(body.TrimStart('!'))} (or !{Shortened(body.TrimStart('!'))} for its opposite)");
        var bang = body.IndexOf('!');
        if (bang >= 0)
            throw Refused(offset + (negated ? 1 : 0) + bang, term, "'!' may only start a term",
                "write it first, e.g. !web* (to select neither a nor b, write !a !b)");

        var colon = body.IndexOf(':');
        if (colon < 0)
            return NameOrAll(body, negated, term, offset);
        var prefix = body[..colon];
        var value = body[(colon + 1)..];
        if (value.Contains(':'))
            throw Refused(offset, term, "a term has one prefix, and ':' may appear once",
                "split it into two terms with a space between (space is 'and'), e.g. node:eu-1 group:web");
        return prefix switch
        {
            "node" => new NodeTerm(GlobValue("node", value, term, offset), negated),
            "group" => new GroupTerm(GlobValue("group", value, term, offset), negated),
            "label" => Label(value, negated, term, offset),
            "state" => State(value, negated, term, offset),
            _ => throw UnknownPrefix(prefix, value, term, offset),
        };
    }

    private static SelectorTerm NameOrAll(string name, bool negated, string term, int offset)
    {
        if (name.Contains('='))
            throw Refused(offset, term, "'=' belongs in a label term",
                "write label:KEY=VALUE, e.g. label:tier=backend");
        if (name != "all")
            return new NameTerm(name, negated);
        if (negated)
            throw Refused(offset, term, "!all selects nothing",
                "leave it out (to select everything, write all)");
        return new AllTerm();
    }

    private static string GlobValue(string prefix, string value, string term, int offset)
    {
        if (value.Length == 0)
            throw Refused(offset, term, $"{prefix}: needs a name or glob after it",
                $"write one, e.g. {prefix}:{(prefix == "node" ? "eu-*" : "workers")}");
        if (value.Contains('='))
            throw Refused(offset, term, $"'=' does not belong in a {prefix}: term",
                "'=' is for labels: label:KEY=VALUE, e.g. label:tier=backend");
        return value;
    }

    private static LabelTerm Label(string value, bool negated, string term, int offset)
    {
        var eq = value.IndexOf('=');
        var key = eq < 0 ? value : value[..eq];
        if (key.Length == 0)
            throw Refused(offset, term, "label: needs a key",
                "write label:KEY=VALUE for that value or label:KEY for any value, e.g. label:tier=backend or label:tier");
        if (key.AsSpan().IndexOfAny('*', '?') >= 0)
            throw Refused(offset, term, "a label key is an exact name, not a glob",
                $"name the key and put any glob in the value, e.g. label:tier=back*");
        if (eq < 0)
            return new LabelTerm(key, valueGlob: null, negated);
        var glob = value[(eq + 1)..];
        if (glob.Length == 0)
            throw Refused(offset, term, $"label:{key}= has no value after '='",
                $"write label:{key}=VALUE (a glob may do, e.g. label:{key}=back*), or label:{key} for any value");
        if (glob.Contains('='))
            throw Refused(offset, term, "a label term has one '='",
                "write label:KEY=VALUE, e.g. label:tier=backend");
        return new LabelTerm(key, glob, negated);
    }

    private static StateTerm State(string value, bool negated, string term, int offset) =>
        StateTerm.Named(value, negated) ?? throw Refused(offset, term,
            value.Length == 0 ? "state: needs a state after it" : $"'{value}' is not a state",
            $"write one of {string.Join(", ", StateTerm.Names)}, e.g. state:running");

    private static SelectorException UnknownPrefix(string prefix, string value, string term, int offset)
    {
        value = Shortened(value);
        if (prefix.Length == 0)
            return Refused(offset, term, "':' has no prefix before it",
                $"write node:, group:, label: or state: before the value, e.g. group:{Or(value, "workers")}");
        var known = string.Join(", ", Prefixes.Select(p => p + ":"));
        var guess = Guess(prefix);
        if (guess == "")
            return Refused(offset, term, $"a process name takes no prefix",
                $"write the name alone, e.g. {Or(value, "web")} (the prefixes are {known})");
        return guess is null
            ? Refused(offset, term, $"unknown prefix {prefix}:", $"use one of {known}, e.g. group:workers")
            : Refused(offset, term, $"unknown prefix {prefix}:", $"did you mean {guess}:{value}? (the prefixes are {known})");
    }

    private static string Or(string value, string example) => value.Length > 0 ? value : example;

    /// <summary>
    /// The prefix <paramref name="written"/> was probably meant to be: a known one within two edits or in another
    /// case, the usual synonym, "" for a name's prefix (none), or null when nothing is close.
    /// </summary>
    private static string? Guess(string written)
    {
        var lower = written.ToLowerInvariant();
        switch (lower)
        {
            case "host" or "hostname" or "machine": return "node";
            case "tag" or "tags": return "label";
            case "status": return "state";
            case "name" or "proc" or "process": return "";
        }
        return Prefixes.FirstOrDefault(p => EditDistance(lower, p) <= 2);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static SelectorException Refused(int offset, string term, string what, string fix) =>
        new($"selector, character {offset + 1}, term \"{Shortened(term)}\": {what}; {fix}");

    // A term holds only the language's characters (checked first), but may be long: the message names it, not all of it.
    private static string Shortened(string term) => term.Length <= 60 ? term : term[..57] + "...";
}
