using System.Globalization;
using System.Text;
using Chorus.Hosting;

namespace Chorus.Node.Uplink;

/// <summary>
/// The spool's memory across a crash, in the spool directory: the run's incarnation, the position acknowledged so
/// far (a segment and an offset in it) and, for each spooled batch sent and not yet acknowledged, its sequence
/// number and where it ends. Kept in two slot files, <c>state.0</c> and <c>state.1</c>, written in turn in place,
/// each whole state with a generation number, its length and a checksum: a node killed (or a machine cut off)
/// in the middle of a write leaves that slot unreadable and the other one holding the state before it, so a
/// load finds either the old state or the new one, never half of one.
/// </summary>
/// <remarks>
/// It used to be one file written anew and renamed over the old one: the create, close and rename (ext4 flushes
/// a file renamed over another) took 0.9 ms a write, and a flooded node writes it before every group of spooled
/// batches it sends: 15 % of the node's CPU (perf, 2026-12-05). A write in place is one pwrite of a few hundred
/// bytes. A state file of that earlier layout (<c>state</c>) is still read when neither slot holds one.
/// </remarks>
public sealed class SpoolState(string directory) : IDisposable
{
    private const string Header = "chorus-spool-state 1";
    private const string SlotHeader = "chorus-spool-slot";
    private readonly string _legacyPath = Path.Combine(directory, "state");
    private readonly FileStream?[] _slots = new FileStream?[2];
    private long _generation;
    // The state text the newest slot holds (null: no slot written yet).
    private string? _written;
    private bool _legacyLeft;

    public sealed record Sent(long Seq, string Segment, long End);

    public sealed record Saved(long Incarnation, string? AckedSegment, long AckedOffset, IReadOnlyList<Sent> Sent);

    /// <summary>The two slots' paths: what the state is kept in.</summary>
    public IReadOnlyList<string> Paths => [SlotPath(0), SlotPath(1)];

    /// <summary>What an earlier run wrote, or null when there is nothing (or nothing readable: then every leftover is sent).</summary>
    public Saved? Load()
    {
        string? newest = null;
        for (var slot = 0; slot < 2; slot++)
            if (ReadSlot(SlotPath(slot)) is var (generation, body) && generation > _generation)
                (_generation, newest) = (generation, body);
        _written = newest;
        _legacyLeft = File.Exists(_legacyPath);
        if (newest is null) return _legacyLeft ? Parse(_legacyPath, () => File.ReadAllText(_legacyPath)) : null;
        return newest.Length == 0 ? null : Parse(SlotPath((int)(_generation % 2)), () => newest);
    }

    /// <summary>
    /// Writes the state unless it is what the slots already say (an empty state removes them); false (and why) when it
    /// cannot be written.
    /// </summary>
    public bool TrySave(long incarnation, string? ackedSegment, long ackedOffset, IReadOnlyList<Sent> sent, out string error)
    {
        error = "";
        var text = ackedSegment is null && sent.Count == 0
            ? ""
            : string.Join('\n', [Header, $"incarnation {incarnation}", $"acked {ackedSegment ?? "-"} {ackedOffset}",
                ..sent.Select(s => $"sent {s.Seq} {s.Segment} {s.End}")]) + "\n";
        if (text == (_written ?? "") && !_legacyLeft) return true;
        var generation = _generation + 1;
        var slot = (int)(generation % 2);
        try
        {
            if (text.Length == 0) Forget();
            else if (text != _written)
            {
                var body = Encoding.ASCII.GetBytes(text);
                var record = Encoding.ASCII.GetBytes($"{SlotHeader} {generation} {body.Length} {Checksum(body):x16}\n").Concat(body).ToArray();
                _slots[slot] ??= new FileStream(SlotPath(slot),
                    SpoolLocation.PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));
                RandomAccess.Write(_slots[slot]!.SafeFileHandle, record, fileOffset: 0);
                (_generation, _written) = (generation, text);
            }
            // The layout before slots: it would be read were both slots ever unreadable, so it goes once it is outdated.
            if (_legacyLeft) File.Delete(_legacyPath);
            _legacyLeft = false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot write the spool state {SlotPath(slot)} ({e.Message}); a node killed now may send some spooled lines twice.";
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var handle in _slots) handle?.Dispose();
    }

    /// <summary>
    /// Nothing left to remember (everything spooled is acknowledged): the slots go, so a drained spool leaves no state
    /// behind. The older first: a node killed between the two leaves the newest state, whose segments are gone.
    /// </summary>
    private void Forget()
    {
        foreach (var slot in new[] { (int)((_generation + 1) % 2), (int)(_generation % 2) })
        {
            _slots[slot]?.Dispose();
            _slots[slot] = null;
            File.Delete(SlotPath(slot));
        }
        _written = null;
    }

    private string SlotPath(int slot) => Path.Combine(directory, $"state.{slot}");

    /// <summary>A slot's generation and state text; null when it is missing, torn or not a slot at all.</summary>
    private static (long Generation, string Body)? ReadSlot(string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0) return null;
        var fields = Encoding.ASCII.GetString(bytes, 0, newline).Split(' ');
        if (fields.Length != 4 || fields[0] != SlotHeader
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || !ulong.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var checksum)
            || length > bytes.Length - newline - 1)
            return null;
        var body = bytes.AsSpan(newline + 1, length);
        return Checksum(body) == checksum ? (generation, Encoding.ASCII.GetString(body)) : null;
    }

    private static Saved? Parse(string path, Func<string> read)
    {
        try
        {
            var lines = read().Split('\n', StringSplitOptions.RemoveEmptyEntries);
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
            Notice.Warning($"ignoring the unreadable spool state {path} ({e.Message}); everything spooled there is sent again.");
            return null;
        }
    }

    /// <summary>FNV-1a, 64 bits: enough to tell a torn write from a whole one (no adversary writes here).</summary>
    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    private static string Field(string line, string name, int index)
    {
        var fields = line.Split(' ');
        return fields.Length == 2 && fields[0] == name ? fields[index] : throw new FormatException($"expected \"{name} N\"");
    }
}
