namespace Chorus.Node.Spec;

/// <summary>The known key a typo most likely meant ("comand" → "command"), so an unknown key's error can say it.</summary>
internal static class NearestKey
{
    public static string? Of(string typo, IEnumerable<string> known)
    {
        var best = known.Select(k => (Key: k, Distance: Distance(typo.ToLowerInvariant(), k))).MinBy(p => p.Distance);
        // Up to a third of the word may be wrong (at least 2 letters): beyond that it is another word, not a typo.
        return best.Key is not null && best.Distance <= Math.Max(2, typo.Length / 3) ? best.Key : null;
    }

    // Levenshtein distance: insertions, deletions and substitutions.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
