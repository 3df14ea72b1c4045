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
        _text = new byte[Math.Max(textBytes, SmallestText)];
        records = Math.Max(records, SmallestRecords);
        _starts = new int[records];
        _lengths = new int[records];
        _processes = new int[records];
        _kinds = new byte[records];
        _flags = new byte[records];
        _seqs = new long[records];
        _ticks = new long[records];
    }

    public int Count => _count;
    public bool IsEmpty => _count == 0;

    /// <summary>Bytes of text taken so far, events' included.</summary>
    public long TextBytes => _textBytes;

    public void AddLine(string process, OutputStream stream, long seq, DateTime timestamp, ReadOnlySpan<byte> text, bool continued, bool afterExit)
    {
        var i = Next();
        if (_textLength + text.Length > _text.Length)
            Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + text.Length));
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
        var records = Math.Max(_count, SmallestRecords);
        _text = new byte[Math.Max(_textLength, SmallestText)];
        _starts = new int[records];
        _lengths = new int[records];
        _processes = new int[records];
        _kinds = new byte[records];
        _flags = new byte[records];
        _seqs = new long[records];
        _ticks = new long[records];
        _names.Clear();
        _events.Clear();
        _lastName = null;
        _count = _textLength = 0;
        _textBytes = 0;
        return block;
    }

    private int Next()
    {
        if (_count == _kinds.Length)
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
        return _count++;
    }

    // 1 + the name's index in the table; names are added in the order first used, which is the wire's order too.
    private int ProcessIndex(string process)
    {
        if (ReferenceEquals(process, _lastName)) return _lastProcess;
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
