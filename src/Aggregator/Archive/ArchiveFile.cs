using Chorus.Hosting;

namespace Chorus.Aggregator.Archive;

/// <summary>
/// Opens --archive FILE at start: reads it through once to learn, per node, the newest run and its last
/// complete batch (so batches that nodes resend after a crash are recognised as repeats), and cuts off
/// whatever follows the last complete unit: the records of a batch whose closing "batch" record never made
/// it to disk, or a line torn by kill -9. That is never fatal: those batches were not acknowledged, so the
/// nodes still have them and send them again. Units are a batch with its closing record, and a node-up or
/// node-down event.
/// </summary>
public static class ArchiveFile
{
    /// <summary>
    /// Creates the file if need be, so that a path that cannot be used is found now, at start: a missing
    /// directory, a directory, a file without read and write permission throw <see cref="CannotArchiveException"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, ArchivedNode> Repair(string path)
    {
        var nodes = new Dictionary<string, ArchivedNode>();
        using var file = Open(path);
        var (committedEnd, skipped) = Scan(file, nodes);
        if (committedEnd < file.Length)
        {
            Notice.Warning($"the archive {path} ends in {file.Length - committedEnd} bytes of a batch that was never completed " +
                           "(the aggregator was stopped mid-write); removing them: the nodes send that batch again.");
            file.SetLength(committedEnd);
        }
        if (skipped > 0)
            Notice.Warning($"the archive {path} has {skipped} unreadable line(s) before its end; left in place and skipped.");
        return nodes;
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotArchiveException.From(path, e);
        }
    }

    private static (long CommittedEnd, int Skipped) Scan(FileStream file, Dictionary<string, ArchivedNode> nodes)
    {
        var buffer = new byte[1 << 20];
        int filled = 0, skipped = 0, unreadableSinceCommit = 0;
        long bufferStart = 0, committedEnd = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
            var read = file.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                var line = buffer.AsSpan(start, newline - start);
                var end = bufferStart + newline + 1;
                if (!ArchiveFormat.IsWhole(line)) unreadableSinceCommit++;
                else if (ArchiveFormat.IsMarker(line))
                {
                    var (node, incarnation, batch) = ArchiveFormat.ReadMarker(line);
                    nodes[node] = new ArchivedNode(incarnation, batch);
                    (committedEnd, skipped, unreadableSinceCommit) = (end, skipped + unreadableSinceCommit, 0);
                }
                else if (IsNodeEvent(line))
                    (committedEnd, skipped, unreadableSinceCommit) = (end, skipped + unreadableSinceCommit, 0);
                start = newline + 1;
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            bufferStart += start;
            filled -= start;
        }
        return (committedEnd, skipped);
    }

    private static bool IsNodeEvent(ReadOnlySpan<byte> line) =>
        line.IndexOf("\"event\":\"node-up\""u8) >= 0 || line.IndexOf("\"event\":\"node-down\""u8) >= 0;
}
