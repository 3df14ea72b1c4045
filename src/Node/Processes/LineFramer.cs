using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Chorus.Node.Processes;

/// <summary>
/// Turns the bytes a child writes into lines: LF ends a line and a CR just before it is dropped (also when
/// the two arrive in different chunks). A line longer than the limit is cut into pieces at character
/// boundaries, so a line of any length costs at most the limit in memory here. Every line comes out as valid
/// UTF-8. Kept free of Akka so these rules are tested byte by byte; <see cref="PipeSource"/> runs it.
/// </summary>
/// <remarks>
/// Built for millions of short lines a second: each chunk is scanned once with a vectorized search, the lines
/// it completes are copied once into one new buffer, and they are handed out as slices of it with one array
/// of <see cref="FramedLine"/>. Nothing is allocated per line, and nothing at all when no line completes.
/// </remarks>
public sealed class LineFramer
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';
    // Any UTF-8 character, and U+FFFD, must fit in one piece.
    internal const int SmallestLimit = 4;

    private readonly int _maxLineBytes;
    // The unfinished line's bytes not yet handed out. One byte over the limit: a CR that may be followed by LF
    // is not counted, because whether it belongs to the line is not known yet.
    private readonly byte[] _pending;
    private int _pendingLength;
    // The pieces of text a call will hand out, planned before the one buffer for them is allocated.
    // Reused across calls so that planning allocates nothing.
    private readonly List<Piece> _pieces = [];

    /// <summary>Bytes of an unfinished line held back, waiting for its line ending.</summary>
    public int PendingBytes => _pendingLength;

    public LineFramer(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, SmallestLimit);
        _maxLineBytes = maxLineBytes;
        _pending = new byte[maxLineBytes + 1];
    }

    /// <summary>
    /// Takes the next bytes of the stream and returns the lines they complete, possibly none, and the pieces cut
    /// so far from a line over the limit. What it returns stays valid after later calls: each call hands out a
    /// buffer of its own.
    /// </summary>
    public IReadOnlyList<FramedLine> Feed(ReadOnlySpan<byte> chunk)
    {
        var bytes = new JoinedBytes(_pending.AsSpan(0, _pendingLength), chunk);
        _pieces.Clear();

        // Pending bytes never contain an LF, so only the chunk is searched.
        var lineStart = 0;
        var unsearched = chunk;
        var unsearchedStart = bytes.HeadLength;
        int lf;
        while ((lf = unsearched.IndexOf(Lf)) >= 0)
        {
            var lineEnd = unsearchedStart + lf;
            PlanLine(bytes, lineStart, WithoutTrailingCr(bytes, lineStart, lineEnd));
            lineStart = unsearchedStart = lineEnd + 1;
            unsearched = unsearched[(lf + 1)..];
        }

        // The rest waits for its line ending; only what is over the limit goes out now. A CR at the very end is
        // not counted, since the next chunk may start with its LF.
        var keepFrom = PlanPiecesOverLimit(bytes, lineStart, WithoutTrailingCr(bytes, lineStart, bytes.Length));
        var lines = Emit(bytes);
        Keep(bytes, keepFrom);
        return lines;
    }

    /// <summary>At the end of the stream, returns the last line if it had no line ending.</summary>
    public IReadOnlyList<FramedLine> Finish()
    {
        if (_pendingLength == 0)
            return [];
        var bytes = new JoinedBytes(_pending.AsSpan(0, _pendingLength), default);
        _pieces.Clear();
        // No LF follows, so a CR at the very end is part of the line.
        PlanLine(bytes, 0, bytes.Length);
        var lines = Emit(bytes);
        _pendingLength = 0;
        return lines;
    }

    private static int WithoutTrailingCr(JoinedBytes bytes, int start, int end) =>
        end > start && bytes[end - 1] == Cr ? end - 1 : end;

    private void PlanLine(JoinedBytes bytes, int start, int end)
    {
        var lastStart = PlanPiecesOverLimit(bytes, start, end);
        _pieces.Add(new Piece(lastStart, end - lastStart, Continued: false));
    }

    /// <summary>Plans continued pieces while more than the limit remains; returns where the rest starts.</summary>
    private int PlanPiecesOverLimit(JoinedBytes bytes, int start, int end)
    {
        while (end - start > _maxLineBytes)
        {
            var length = Utf8Text.PieceLength(bytes, start, _maxLineBytes);
            _pieces.Add(new Piece(start, length, Continued: true));
            start += length;
        }
        return start;
    }

    private IReadOnlyList<FramedLine> Emit(JoinedBytes bytes)
    {
        var pieces = CollectionsMarshal.AsSpan(_pieces);
        if (pieces.IsEmpty)
            return [];

        var totalBytes = 0;
        foreach (var piece in pieces)
            totalBytes += piece.Length;
        var buffer = GC.AllocateUninitializedArray<byte>(totalBytes);
        var lines = new FramedLine[pieces.Length];
        var count = 0;
        var offset = 0;
        foreach (var piece in pieces)
        {
            var text = buffer.AsMemory(offset, piece.Length);
            offset += piece.Length;
            bytes.CopyTo(piece.Start, piece.Length, text.Span);
            if (Utf8.IsValid(text.Span))
                Append(ref lines, ref count, new FramedLine(text, piece.Continued));
            else
                AddRepaired(ref lines, ref count, text.Span, piece.Continued);
        }
        return count == lines.Length ? lines : lines[..count];
    }

    /// <summary>
    /// The rare path for bytes that are not UTF-8. Replacement can make a piece longer than the limit (one
    /// bad byte becomes three), so the repaired text is cut again, and it gets a buffer of its own.
    /// </summary>
    private void AddRepaired(ref FramedLine[] lines, ref int count, ReadOnlySpan<byte> invalid, bool continued)
    {
        var repaired = Utf8Text.ReplaceInvalid(invalid);
        var bytes = new JoinedBytes(repaired, default);
        var start = 0;
        while (repaired.Length - start > _maxLineBytes)
        {
            var length = Utf8Text.PieceLength(bytes, start, _maxLineBytes);
            Append(ref lines, ref count, new FramedLine(repaired.AsMemory(start, length), Continued: true));
            start += length;
        }
        Append(ref lines, ref count, new FramedLine(repaired.AsMemory(start), continued));
    }

    // Room runs out only after a repaired piece was cut again.
    private static void Append(ref FramedLine[] lines, ref int count, FramedLine line)
    {
        if (count == lines.Length)
            Array.Resize(ref lines, count * 2);
        lines[count++] = line;
    }

    /// <summary>Moves the unfinished line's bytes to the front of the pending buffer.</summary>
    private void Keep(JoinedBytes bytes, int from)
    {
        // Pending is both source and destination here; span copies allow the overlap.
        _pendingLength = bytes.Length - from;
        bytes.CopyTo(from, _pendingLength, _pending);
    }

    /// <param name="Start">Position in the pending bytes followed by the chunk.</param>
    private readonly record struct Piece(int Start, int Length, bool Continued);
}
