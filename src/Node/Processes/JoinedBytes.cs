namespace Chorus.Node.Processes;

/// <summary>
/// The bytes a framer is still holding followed by a newly read chunk, read as one sequence without first
/// copying them together: the lines are copied exactly once, into the buffer that is handed out.
/// </summary>
internal readonly ref struct JoinedBytes(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
{
    private readonly ReadOnlySpan<byte> _head = head;
    private readonly ReadOnlySpan<byte> _tail = tail;

    public int Length => _head.Length + _tail.Length;

    public int HeadLength => _head.Length;

    public byte this[int index] => index < _head.Length ? _head[index] : _tail[index - _head.Length];

    public void CopyTo(int start, int length, Span<byte> destination)
    {
        if (start < _head.Length)
        {
            var fromHead = Math.Min(_head.Length - start, length);
            _head.Slice(start, fromHead).CopyTo(destination);
            destination = destination[fromHead..];
            length -= fromHead;
            start = _head.Length;
        }
        _tail.Slice(start - _head.Length, length).CopyTo(destination);
    }
}
