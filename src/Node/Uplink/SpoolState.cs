using System.Globalization;
using Chorus.Hosting;

namespace Chorus.Node.Uplink;

/// <summary>
/// The spool's memory across a crash, in one small text file in the spool directory: the run's incarnation,
/// the position acknowledged so far (a segment and an offset in it) and, for each spooled batch sent and not
/// yet acknowledged, its sequence number and where it ends. Written to a temporary file and renamed over the
/// old one, so a node killed at any moment leaves either the old state or the new one, never half of one.
/// </summary>
public sealed class SpoolState(string directory)
{
    private const string Header = "chorus-spool-state 1";
    private readonly string _path = Path.Combine(directory, "state");
    private string? _written;

    public sealed record Sent(long Seq, string Segment, long End);

    public sealed record Saved(long Incarnation, string? AckedSegment, long AckedOffset, IReadOnlyList<Sent> Sent);

    /// <summary>What an earlier run wrote, or null when there is nothing (or nothing readable: then every leftover is sent).</summary>
    public Saved? Load()
    {
        if (!File.Exists(_path)) return null;
        try
        {
            var lines = File.ReadAllLines(_path);
            if (lines.Length < 3 || lines[0] != Header) return null;
            var incarnation = long.Parse(Field(lines[1], "incarnation", 1), CultureInfo.InvariantCulture);
            var acked = lines[2].Split(' ');
            if (acked.Length != 3 || acked[0] != "acked") return null;
            var sent = lines.Skip(3).Select(l => l.Split(' '))
                .Select(f => f.Length == 4 && f[0] == "sent"
                    ? new Sent(long.Parse(f[1], CultureInfo.InvariantCulture), f[2], long.Parse(f[3], CultureInfo.InvariantCulture))
                    : throw new FormatException($"unexpected line \"{string.Join(' ', f)}\""))
                .ToList();
            return new Saved(incarnation, acked[1] == "-" ? null : acked[1], long.Parse(acked[2], CultureInfo.InvariantCulture), sent);
        }
        catch (Exception e) when (e is FormatException or OverflowException or IOException)
        {
            Notice.Warning($"ignoring the unreadable spool state {_path} ({e.Message}); everything spooled there is sent again.");
            return null;
        }
    }

    /// <summary>Writes the state unless it is what the file already says; false (and why) when it cannot be written.</summary>
    public bool TrySave(long incarnation, string? ackedSegment, long ackedOffset, IReadOnlyList<Sent> sent, out string error)
    {
        error = "";
        var text = ackedSegment is null && sent.Count == 0
            ? ""
            : string.Join('\n', [Header, $"incarnation {incarnation}", $"acked {ackedSegment ?? "-"} {ackedOffset}",
                ..sent.Select(s => $"sent {s.Seq} {s.Segment} {s.End}")]) + "\n";
        if (text == _written) return true;
        try
        {
            if (text.Length == 0) File.Delete(_path);
            else
            {
                var temporary = _path + ".new";
                using (var file = new FileStream(temporary, SpoolLocation.PrivateFile(FileMode.Create, FileAccess.Write, FileShare.None)))
                    file.Write(System.Text.Encoding.ASCII.GetBytes(text));
                File.Move(temporary, _path, overwrite: true);
            }
            _written = text;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot write the spool state {_path} ({e.Message}); a node killed now may send some spooled lines twice.";
            return false;
        }
    }

    private static string Field(string line, string name, int index)
    {
        var fields = line.Split(' ');
        return fields.Length == 2 && fields[0] == name ? fields[index] : throw new FormatException($"expected \"{name} N\"");
    }
}
