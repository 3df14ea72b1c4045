using System.Text.Json;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// The archive's lines counted in one pass, without holding a million parsed documents: per process each
/// line must be the next number (its text that number too); anything seen before is a duplicate.
/// </summary>
internal sealed record ArchiveCheck(long Lines, long Duplicates, long OutOfOrder, long WrongText, Dictionary<string, int> Distinct)
{
    public static ArchiveCheck Read(string archive, string[] procs, int linesPerProc)
    {
        var seen = procs.ToDictionary(p => p, _ => new bool[linesPerProc + 1]);
        var last = procs.ToDictionary(p => p, _ => 0L);
        var distinct = procs.ToDictionary(p => p, _ => 0);
        long lines = 0, duplicates = 0, outOfOrder = 0, wrongText = 0;
        foreach (var json in File.ReadLines(archive))
        {
            using var document = JsonDocument.Parse(json);
            var record = document.RootElement;
            if (record.GetProperty("type").GetString() != "line") continue;
            var (proc, seq) = (record.GetProperty("proc").GetString()!, record.GetProperty("seq").GetInt64());
            lines++;
            if (seen[proc][seq]) duplicates++;
            else distinct[proc]++;
            seen[proc][seq] = true;
            if (seq != last[proc] + 1) outOfOrder++;
            last[proc] = seq;
            if (record.GetProperty("text").GetString() != seq.ToString()) wrongText++;
        }
        return new ArchiveCheck(lines, duplicates, outOfOrder, wrongText, distinct);
    }

    /// <summary>Every line of every process is in the archive exactly once, in order, with its own text.</summary>
    public void AssertEachLineOnceInOrder(string[] procs, int linesPerProc)
    {
        Assert.Equal(0, Duplicates);
        Assert.Equal(0, OutOfOrder);
        Assert.Equal(0, WrongText);
        Assert.Equal(procs.Length * linesPerProc, Lines);
        Assert.All(procs, p => Assert.Equal(linesPerProc, Distinct[p]));
    }

    /// <summary>
    /// Of the lines shown on the text-format stdout of several runs, how many differ (compared without their
    /// time, "n1/alpha | 123") and how many showed again.
    /// </summary>
    public static (int Shown, int ShownTwice) Shown(IEnumerable<string> stdout)
    {
        var shown = new HashSet<string>();
        var twice = stdout.Where(l => l.Contains(" | ")).Count(l => !shown.Add(l[(l.IndexOf(' ') + 1)..]));
        return (shown.Count, twice);
    }
}
