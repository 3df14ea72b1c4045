using System.Text;

namespace Chorus.Node.Processes;

/// <summary>
/// What the framer needs to know about UTF-8: where a long line may be cut without splitting a character,
/// and how bytes that are not UTF-8 become U+FFFD, so that everything downstream may assume valid text.
/// </summary>
internal static class Utf8Text
{
    private const int LongestCharacter = 4;

    /// <summary>
    /// How long to make a piece starting at <paramref name="start"/> when more than
    /// <paramref name="limit"/> bytes follow it: as long as possible without ending inside a character.
    /// </summary>
    public static int PieceLength(JoinedBytes bytes, int start, int limit)
    {
        // The byte after the piece must not be a continuation byte (10xxxxxx); in valid UTF-8 one of the last
        // four positions qualifies. If none does the bytes are not UTF-8, and the repair makes them so.
        for (var length = limit; length > limit - LongestCharacter; length--)
        {
            if ((bytes[start + length] & 0b1100_0000) != 0b1000_0000)
                return length;
        }
        return limit;
    }

    /// <summary>Replaces each invalid sequence with U+FFFD, keeping everything around it.</summary>
    public static byte[] ReplaceInvalid(ReadOnlySpan<byte> text) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text));
}
