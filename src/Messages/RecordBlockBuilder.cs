using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Chorus.Messages;

/// <summary>
/// Fills a <see cref="RecordBlock"/> one record at a time: a line's text is copied into the block's buffer (its only
/// copy), its fixed fields into the columns; an event is kept whole. <see cref="Build"/> hands the arrays over and
/// starts the next block at the size the last one reached, so a steady flood allocates each array once a batch.
/// </summary>
public sealed class RecordBlockBuilder
{
    private const int SmallestRecords = 16;
    private const int SmallestText = 256;

    private int _count;
    private int _textLength;
    private long _textBytes;
    private byte[] _text;
    private int[] _starts, _lengths, _processes;
    private byte[] _kinds, _flags;
    private long[] _seqs, _ticks;
    private readonly List<string> _names = [];
    private readonly List<NodeRecord> _events = [];
    // Lines come in runs from one process: the last name looked up is usually the next one.
    private string? _lastName;
    private int _lastProcess;

    public RecordBlockBuilder(int records = SmallestRecords, int textBytes = SmallestText)
    {
        Allocate(records, textBytes);
    }

    public int Count => _count;
    public bool IsEmpty => _count == 0;

    /// <summary>Bytes of text taken so far, events' included.</summary>
    public long TextBytes => _textBytes;

    // Inlined into the caller's loop over a read's lines: a method without a loop of its own would otherwise run
    // unoptimized for its first thousand calls (the executables' CallCountThreshold), a good part of a short flood.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLine(string process, OutputStream stream, long seq, DateTime timestamp, ReadOnlySpan<byte> text, bool continued, bool afterExit)
    {
        var i = Next();
        if (_textLength + text.Length > _text.Length) GrowText(text.Length);
        text.CopyTo(_text.AsSpan(_textLength));
        _starts[i] = _textLength;
        _lengths[i] = text.Length;
        _textLength += text.Length;
        _textBytes += text.Length;
        _kinds[i] = (byte)RecordKind.Line;
        _processes[i] = ProcessIndex(process);
        _flags[i] = (byte)((byte)stream | (continued ? RecordBlock.ContinuedFlag : 0) | (afterExit ? RecordBlock.AfterExitFlag : 0));
        _seqs[i] = seq;
        _ticks[i] = timestamp.Ticks;
    }

    /// <summary>A record of any kind: a line goes into the columns, anything else is kept whole.</summary>
    public void Add(in NodeRecord record)
    {
        if (record is { Kind: RecordKind.Line, Process: { } process })
        {
            AddLine(process, record.Stream, record.Seq, record.Timestamp, record.Text.Span, record.Continued, record.AfterExit);
            return;
        }
        var i = Next();
        _starts[i] = _lengths[i] = 0;
        _flags[i] = 0;
        _kinds[i] = (byte)record.Kind;
        _processes[i] = record.Process is { } name ? ProcessIndex(name) : RecordBlock.NoProcess;
        _seqs[i] = _events.Count;
        _ticks[i] = record.Timestamp.Ticks;
        _events.Add(record);
        _textBytes += record.Text.Length;
    }

    /// <summary>The block of what was added; the builder starts empty again.</summary>
    public RecordBlock Build()
    {
        var block = new RecordBlock(_count, _text, _starts, _lengths, _kinds, _processes, _flags, _seqs, _ticks,
            _names.ToArray(), _events.ToArray(), _textBytes);
        Allocate(_count, _textLength);
        _names.Clear();
        _events.Clear();
        _lastName = null;
        _count = _textLength = 0;
        _textBytes = 0;
        return block;
    }

    // Every element below Count is written before it is read, so the arrays need not be zeroed.
    [MemberNotNull(nameof(_text), nameof(_starts), nameof(_lengths), nameof(_processes), nameof(_kinds), nameof(_flags), nameof(_seqs), nameof(_ticks))]
    private void Allocate(int records, int textBytes)
    {
        records = Math.Max(records, SmallestRecords);
        _text = GC.AllocateUninitializedArray<byte>(Math.Max(textBytes, SmallestText));
        _starts = GC.AllocateUninitializedArray<int>(records);
        _lengths = GC.AllocateUninitializedArray<int>(records);
        _processes = GC.AllocateUninitializedArray<int>(records);
        _kinds = GC.AllocateUninitializedArray<byte>(records);
        _flags = GC.AllocateUninitializedArray<byte>(records);
        _seqs = GC.AllocateUninitializedArray<long>(records);
        _ticks = GC.AllocateUninitializedArray<long>(records);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next()
    {
        if (_count == _kinds.Length) GrowColumns();
        return _count++;
    }

    private void GrowColumns()
    {
        var size = _count * 2;
        Array.Resize(ref _starts, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _processes, size);
        Array.Resize(ref _kinds, size);
        Array.Resize(ref _flags, size);
        Array.Resize(ref _seqs, size);
        Array.Resize(ref _ticks, size);
    }

    private void GrowText(int more) => Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + more));

    // 1 + the name's index in the table; names are added in the order first used, which is the wire's order too.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ProcessIndex(string process) => ReferenceEquals(process, _lastName) ? _lastProcess : LookUp(process);

    private int LookUp(string process)
    {
        // Batches hold a handful of processes; a linear search beats hashing at that size.
        var index = _names.IndexOf(process);
        if (index < 0)
        {
            _names.Add(process);
            index = _names.Count - 1;
        }
        _lastName = process;
        _lastProcess = index + 1;
        return _lastProcess;
    }
}
