using System.Buffers.Binary;

namespace Chorus.Node.Uplink;

/// <summary>
/// The spool's file format: a segment file is a run of records, each a 4-byte little-endian length and then a
/// batch's wire bytes (<see cref="BatchCodec"/>). A record torn by a crash reads as the end of the file.
/// </summary>
public static class SpoolRecords
{
    private const int PrefixBytes = 4;

    /// <summary>Bytes a record of <paramref name="payloadBytes"/> takes in its file.</summary>
    public static long Size(int payloadBytes) => PrefixBytes + payloadBytes;

    public static void Write(Stream file, ReadOnlySpan<byte> payload)
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, payload.Length);
        file.Write(prefix);
        file.Write(payload);
    }

    /// <summary>The payload of the record at <paramref name="offset"/> in a file of <paramref name="length"/> bytes; null when it is torn.</summary>
    public static byte[]? Read(Stream file, long offset, long length)
    {
        file.Position = offset;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (file.ReadAtLeast(prefix, PrefixBytes, throwOnEndOfStream: false) < PrefixBytes) return null;
        var size = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (size <= 0 || size > length - offset - PrefixBytes) return null;
        var payload = new byte[size];
        return file.ReadAtLeast(payload, size, throwOnEndOfStream: false) == size ? payload : null;
    }
}
