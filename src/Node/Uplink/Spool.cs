using System.Buffers.Binary;
using Chorus.Hosting;
using Chorus.Messages;

namespace Chorus.Node.Uplink;

/// <summary>
/// Batches that did not fit in memory, on disk, oldest first. Segment files of length-prefixed batches
/// (4-byte little-endian length, then the wire bytes) are appended to and read back in order; a fully read
/// segment is deleted. Past <c>maxBytes</c> the oldest segment is dropped whole and what it held is
/// reported to the caller, line counts per process, so the loss can be announced as a gap. Events
/// (started, exited, gap) in a dropped segment are kept: they are few and say what happened to a process.
/// A spool left behind by an earlier run (a node killed with kill -9) is read first: those lines were never
/// acknowledged either. A directory serves one node at a time (see <see cref="Claim"/>).
/// </summary>
public sealed class Spool : IDisposable
{
    private const string Extension = ".spool";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly BatchCodec _codec;
    private readonly LinkedList<Segment> _segments = new();
    private readonly FileStream _lock;
    private FileStream? _writer;
    private FileStream? _reader;
    private long _nextSegment;

    public Spool(string directory, long maxBytes, BatchCodec codec)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        // Dropping works a segment at a time: small segments keep the loss close to the cap's excess.
        _segmentBytes = Math.Clamp(maxBytes / 8, 64 * 1024, 8 * 1024 * 1024);
        _codec = codec;
        Directory.CreateDirectory(directory);
        _lock = Claim(directory);
        foreach (var path in Directory.GetFiles(directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var length = new FileInfo(path).Length;
            if (length == 0)
            {
                File.Delete(path);
                continue;
            }
            _segments.AddLast(new Segment(path, length, 0, Leftover: true));
            Bytes += length;
            _nextSegment = Math.Max(_nextSegment, SegmentNumber(path) + 1);
        }
        if (_segments.Count > 0)
            Notice.Write($"found {Bytes} bytes spooled in {directory} by an earlier run; sending them first.");
    }

    /// <summary>Bytes on disk not yet read back.</summary>
    public long Bytes { get; private set; }

    public bool IsEmpty => Bytes == 0;

    /// <summary>Appends a batch; returns what had to be dropped to stay under the cap (null when nothing was).</summary>
    public DroppedRecords? Append(LineBatch batch)
    {
        var payload = _codec.Write(batch);
        DroppedRecords? dropped = null;
        // Never drop the segment being written: with one segment left the cap is exceeded by at most one segment.
        while (Bytes + payload.Length + 4 > _maxBytes && _segments.Count > 1)
            DropOldest(dropped ??= new DroppedRecords());

        if (_writer is null || _segments.Last!.Value.Length + payload.Length > _segmentBytes) StartSegment();
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, payload.Length);
        _writer!.Write(prefix);
        _writer.Write(payload);
        // To the OS, not to the disk: the spool bounds memory; a node killed with kill -9 still leaves it behind.
        _writer.Flush();
        var last = _segments.Last!;
        last.Value = last.Value with { Length = last.Value.Length + 4 + payload.Length };
        Bytes += 4 + payload.Length;
        return dropped;
    }

    /// <summary>The oldest spooled batch, or null when the spool is empty.</summary>
    public LineBatch? TakeOldest()
    {
        while (_segments.First is { } first)
        {
            var segment = first.Value;
            if (segment.ReadOffset < segment.Length && ReadRecord(segment) is { } record)
            {
                first.Value = segment with { ReadOffset = segment.ReadOffset + 4 + record.Length };
                Bytes -= 4 + record.Length;
                if (TryDecode(record, segment) is { } batch) return batch;
                continue;
            }
            // Read to the end (or torn at the end by an earlier crash): done with this segment.
            Bytes -= segment.Length - segment.ReadOffset;
            RemoveFirst();
        }
        return null;
    }

    private void DropOldest(DroppedRecords dropped)
    {
        while (TakeFromFirstSegmentOnly() is { } batch) dropped.Add(batch);
    }

    private LineBatch? TakeFromFirstSegmentOnly()
    {
        var first = _segments.First!;
        var segment = first.Value;
        if (segment.ReadOffset < segment.Length && ReadRecord(segment) is { } record)
        {
            first.Value = segment with { ReadOffset = segment.ReadOffset + 4 + record.Length };
            Bytes -= 4 + record.Length;
            return TryDecode(record, segment) ?? new LineBatch("", 0, 0, default, []);
        }
        Bytes -= segment.Length - segment.ReadOffset;
        RemoveFirst();
        return null;
    }

    private byte[]? ReadRecord(Segment segment)
    {
        if (_reader is null || _reader.Name != segment.Path)
        {
            _reader?.Dispose();
            _reader = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        _reader.Position = segment.ReadOffset;
        Span<byte> prefix = stackalloc byte[4];
        if (_reader.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length <= 0 || length > segment.Length - segment.ReadOffset - 4) return null;
        var payload = new byte[length];
        return _reader.ReadAtLeast(payload, length, throwOnEndOfStream: false) == length ? payload : null;
    }

    private LineBatch? TryDecode(byte[] record, Segment segment)
    {
        try
        {
            return _codec.Read(record);
        }
        catch (Exception e) when (segment.Leftover)
        {
            // Only a file from an earlier run can be damaged; ours are written whole.
            Notice.Write($"skipping an unreadable batch in {segment.Path}: {e.Message}");
            return null;
        }
    }

    private void StartSegment()
    {
        _writer?.Dispose();
        var path = Path.Combine(_directory, $"{_nextSegment++:D12}{Extension}");
        _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _segments.AddLast(new Segment(path, 0, 0, Leftover: false));
    }

    private void RemoveFirst()
    {
        var segment = _segments.First!.Value;
        _segments.RemoveFirst();
        if (_reader?.Name == segment.Path)
        {
            _reader.Dispose();
            _reader = null;
        }
        if (_writer?.Name == segment.Path)
        {
            _writer.Dispose();
            _writer = null;
        }
        File.Delete(segment.Path);
    }

    private static long SegmentNumber(string path) =>
        long.TryParse(Path.GetFileNameWithoutExtension(path), out var n) ? n : 0;

    /// <summary>
    /// One node per spool: two nodes sharing a directory would each take the other's segments for leftovers of
    /// an earlier run and send or delete them. An exclusive lock on a file there (flock on Linux) is released by
    /// the kernel however the node ends, kill -9 included, so a later run is never locked out.
    /// </summary>
    private static FileStream Claim(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new IOException("another chorus-node is using it; give each node its own --spool DIR (or its own --name)");
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _reader?.Dispose();
        _lock.Dispose();
        // What is still unread stays for the next run; read-out segments go.
        if (IsEmpty)
            foreach (var segment in _segments) File.Delete(segment.Path);
    }

    private sealed record Segment(string Path, long Length, long ReadOffset, bool Leftover);
}
