namespace Chorus.Node.Uplink;

/// <summary>
/// What an earlier run left in a spool directory, found when a <see cref="Spool"/> opens it: its segment files
/// from the position it had acknowledged on (files it had wholly acknowledged are deleted now), and which of
/// their batches it had sent without hearing back (see <see cref="Spool.ResumeIncarnation"/>).
/// </summary>
internal sealed record SpoolLeftovers(IReadOnlyList<SpoolSegment> Segments, long Incarnation, List<SpoolState.Sent> Resume)
{
    public static SpoolLeftovers Find(string directory, string extension, SpoolState.Saved? saved)
    {
        var segments = new List<SpoolSegment>();
        foreach (var path in Directory.GetFiles(directory, "*" + extension).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var length = new FileInfo(path).Length;
            var start = saved is not null && name == saved.AckedSegment ? saved.AckedOffset : 0;
            if (saved is not null && string.CompareOrdinal(name, saved.AckedSegment) < 0 || start >= length)
            {
                // Acknowledged before the earlier run ended, but not yet deleted.
                File.Delete(path);
                continue;
            }
            segments.Add(new SpoolSegment(name, path) { Length = length, ReadOffset = start, AckedOffset = start, Leftover = true });
        }
        var resume = saved?.Sent.Where(s => segments.Any(g => g.Name == s.Segment && g.AckedOffset < s.End)).ToList() ?? [];
        return new SpoolLeftovers(segments, saved?.Incarnation ?? 0, resume);
    }
}
