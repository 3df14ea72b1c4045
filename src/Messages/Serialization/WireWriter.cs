using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Chorus.Messages.Serialization;

/// <summary>
/// Appends primitives to a growing byte array: the hot path of every batch, so it works on spans rather
/// than through a Stream (BinaryWriter pays a virtual call per small write).
/// </summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity) => _buffer = new byte[Math.Max(capacity, 64)];

    /// <summary>Writes into <paramref name="scratch"/> (grown when too small): see <see cref="Scratch"/>.</summary>
    public WireWriter(byte[] scratch) => _buffer = scratch;

    /// <summary>The buffer written into, to be reused by the next writer once <see cref="ToArray"/> copied the bytes out.</summary>
    public byte[] Scratch => _buffer;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>LEB128: 7 bits a byte, low first; small numbers (lengths, deltas) take one or two bytes.</summary>
    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    /// <summary>
    /// Room for at least <paramref name="bytes"/> more, to be written in place and then taken with <see cref="Advance"/>:
    /// a record of several small fields checks for room once rather than once a field.
    /// </summary>
    public Span<byte> Reserve(int bytes)
    {
        Ensure(bytes);
        return _buffer.AsSpan(_length);
    }

    /// <summary>Takes <paramref name="bytes"/> written into what <see cref="Reserve"/> returned.</summary>
    public void Advance(int bytes) => _length += bytes;

    /// <summary>Writes <paramref name="value"/> as <see cref="WriteVarint"/> does, at <paramref name="position"/> of a reserved span, and moves past it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PutVarint(Span<byte> span, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            span[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[position++] = (byte)value;
    }

    /// <summary>A marker byte (0: none, 1: a value), then the value.</summary>
    public void WriteOptionalInt32(int? value)
    {
        WriteByte(value.HasValue ? (byte)1 : (byte)0);
        if (value.HasValue) WriteInt32(value.Value);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((ulong)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Bytes as they are, with no length before them: a part of a message encoded earlier.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        Ensure(length);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
