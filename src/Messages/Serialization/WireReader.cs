using System.Buffers.Binary;
using System.Text;

namespace Chorus.Messages.Serialization;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote, refusing anything that runs past the end or does not fit
/// (a <see cref="FormatException"/>, which the serializer turns into a dropped frame). Byte strings come
/// back as slices of the frame, not copies.
/// </summary>
internal struct WireReader(byte[] buffer)
{
    private int _position;

    public readonly bool AtEnd => _position == buffer.Length;
    public readonly int Remaining => buffer.Length - _position;

    /// <summary>Leaves the rest of the frame unread (a layout this build cannot read), so it is not taken for trailing bytes.</summary>
    public void SkipToEnd() => _position = buffer.Length;

    public byte ReadByte()
    {
        Need(1);
        return buffer[_position++];
    }

    public int ReadInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(_position));
        _position += 4;
        return value;
    }

    public long ReadInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(_position));
        _position += 8;
        return value;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("a variable-length number runs over 64 bits");
    }

    public int ReadLength()
    {
        var length = ReadVarint();
        if (length > (ulong)Remaining) throw new FormatException($"a length of {length} runs past the end of the frame");
        return (int)length;
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadLength();
        var slice = new ReadOnlyMemory<byte>(buffer, _position, length);
        _position += length;
        return slice;
    }

    /// <summary>A byte string's place in the frame (its offset and length), for a reader that keeps offsets rather than slices.</summary>
    public (int Start, int Length) ReadSlice()
    {
        var length = ReadLength();
        var start = _position;
        _position += length;
        return (start, length);
    }

    public int? ReadOptionalInt32() => ReadByte() switch
    {
        0 => null,
        1 => ReadInt32(),
        var other => throw new FormatException($"optional marker {other} is neither 0 nor 1"),
    };

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    private readonly void Need(int count)
    {
        if (count > buffer.Length - _position) throw new FormatException("the frame ends too early");
    }
}
