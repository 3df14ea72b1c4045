using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

public class LineFramerTests
{
    private const int Limit = 64 * 1024;

    [Fact]
    public void Lf_ends_a_line()
    {
        Assert.Equal(["one", "two"], Frame(Limit, "one\ntwo\n").Texts());
    }

    [Fact]
    public void Cr_before_lf_is_dropped()
    {
        Assert.Equal(["one", "two"], Frame(Limit, "one\r\ntwo\r\n").Texts());
    }

    [Fact]
    public void Cr_before_lf_is_dropped_when_they_arrive_in_different_chunks()
    {
        Assert.Equal(["one", "two"], Frame(Limit, "one\r", "\ntwo\r", "\n").Texts());
    }

    [Fact]
    public void Cr_elsewhere_is_kept()
    {
        Assert.Equal(["a\rb", "c\r", "\rd"], Frame(Limit, "a\rb\nc\r\r\n\rd\n").Texts());
    }

    [Fact]
    public void Cr_at_the_end_of_input_is_kept()
    {
        Assert.Equal(["done\r"], Frame(Limit, "done\r").Texts());
    }

    [Fact]
    public void Empty_lines_are_lines()
    {
        Assert.Equal(["", "", "x", ""], Frame(Limit, "\n\r\nx\n", "\n").Texts());
    }

    [Fact]
    public void Chunk_that_completes_no_line_returns_none()
    {
        var framer = new LineFramer(Limit);

        Assert.Empty(framer.Feed(FramedLines.Bytes("no line ending yet")));
        Assert.Empty(framer.Feed([]));
    }

    [Fact]
    public void Unterminated_last_line_is_delivered_by_finish()
    {
        var framer = new LineFramer(Limit);

        Assert.Equal(["first"], framer.Feed(FramedLines.Bytes("first\nla")).Texts());
        Assert.Empty(framer.Feed(FramedLines.Bytes("st")));
        Assert.Equal(["last"], framer.Finish().Texts());
    }

    [Fact]
    public void Finish_after_a_line_ending_returns_nothing()
    {
        var framer = new LineFramer(Limit);
        framer.Feed(FramedLines.Bytes("only\n"));

        Assert.Empty(framer.Finish());
    }

    [Fact]
    public void Nul_and_ansi_escapes_pass_through_untouched()
    {
        Assert.Equal(["a\0b", "\u001b[31mred\u001b[0m"], Frame(Limit, "a\0b\n\u001b[31mred\u001b[0m\n").Texts());
    }

    [Fact]
    public void Lines_of_one_chunk_are_slices_of_one_buffer()
    {
        var lines = new LineFramer(Limit).Feed(FramedLines.Bytes("a\nbb\nccc\n"));

        var buffers = lines.Select(line => MemoryMarshal.TryGetArray(line.Text, out var segment) ? segment.Array : null);
        Assert.Single(buffers.Distinct());
    }

    [Fact]
    public void Chunk_that_completes_no_line_allocates_nothing()
    {
        var framer = new LineFramer(Limit);
        var chunk = FramedLines.Bytes("part of a line ");
        framer.Feed(chunk);

        var before = GC.GetAllocatedBytesForCurrentThread();
        framer.Feed(chunk);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Lines_stay_intact_after_later_chunks()
    {
        var framer = new LineFramer(Limit);
        var first = framer.Feed(FramedLines.Bytes("one\ntw"));
        framer.Feed(FramedLines.Bytes("o\nthree\n"));

        Assert.Equal(["one"], first.Texts());
    }

    [Fact]
    public void Line_of_exactly_the_limit_is_one_piece_even_when_its_crlf_arrives_later()
    {
        var line = new string('a', 16);

        Assert.Equal([(line, false)], Frame(16, line + "\r", "\n").Select(l => (l.Text(), l.Continued)));
    }

    [Fact]
    public void Megabyte_line_is_cut_into_pieces_that_join_back()
    {
        var line = new byte[1024 * 1024];
        new Random(7).NextBytes(line);
        for (var i = 0; i < line.Length; i++)
            line[i] = (byte)('a' + line[i] % 26);
        var framer = new LineFramer(Limit);

        var pieces = new List<FramedLine>();
        foreach (var chunk in line.Chunk(Limit))
            pieces.AddRange(framer.Feed(chunk));
        pieces.AddRange(framer.Feed("\n"u8));

        Assert.Equal(16, pieces.Count);
        Assert.All(pieces, piece => Assert.True(piece.Text.Length <= Limit));
        Assert.Equal(pieces.Count - 1, pieces.Count(piece => piece.Continued));
        Assert.False(pieces[^1].Continued);
        Assert.Equal(line, pieces.SelectMany(piece => piece.Text.ToArray()));
    }

    [Fact]
    public void Long_line_is_handed_out_before_its_end_arrives()
    {
        var framer = new LineFramer(8);

        var pieces = framer.Feed(FramedLines.Bytes("0123456789abcdefghij"));

        Assert.Equal([("01234567", true), ("89abcdef", true)], pieces.Select(p => (p.Text(), p.Continued)));
        Assert.Equal([("ghij", false)], framer.Finish().Select(p => (p.Text(), p.Continued)));
    }

    [Fact]
    public void Cut_next_to_a_multibyte_character_keeps_the_character_whole()
    {
        // "€" is three bytes; a cut at the limit would fall inside it.
        var pieces = Frame(8, "abcdef€gh€\n");

        Assert.Equal([("abcdef", true), ("€gh€", false)], pieces.Select(p => (p.Text(), p.Continued)));
    }

    [Fact]
    public void Four_byte_character_across_the_limit_moves_to_the_next_piece()
    {
        var pieces = Frame(4, "a😀b\n");

        Assert.Equal([("a", true), ("😀", true), ("b", false)], pieces.Select(p => (p.Text(), p.Continued)));
    }

    [Fact]
    public void Invalid_byte_becomes_a_replacement_character_and_the_rest_survives()
    {
        var lines = Frame(Limit, [0x61, 0xFF, 0x62, (byte)'\n', 0x63, (byte)'\n']);

        Assert.Equal(["a\uFFFDb", "c"], lines.Texts());
    }

    [Fact]
    public void Truncated_sequence_at_the_end_of_input_becomes_a_replacement_character()
    {
        // The first two bytes of "€" (E2 82 AC), then the input ends.
        var lines = Frame(Limit, [0x6F, 0x6B, (byte)'\n', 0x61, 0xE2, 0x82]);

        Assert.Equal(["ok", "a\uFFFD"], lines.Texts());
    }

    [Fact]
    public void Overlong_encoding_becomes_replacement_characters()
    {
        // C0 AF is an overlong "/": never valid UTF-8.
        var lines = Frame(Limit, [0x61, 0xC0, 0xAF, 0x62, (byte)'\n']);

        Assert.Equal(["a\uFFFD\uFFFDb"], lines.Texts());
    }

    [Fact]
    public void Replacement_that_outgrows_the_limit_is_cut_again()
    {
        // Four bad bytes become four three-byte U+FFFD: twelve bytes for a limit of four.
        var lines = Frame(4, [0xFF, 0xFF, 0xFF, 0xFF, (byte)'\n', (byte)'z', (byte)'\n']);

        Assert.Equal(
            [("\uFFFD", true), ("\uFFFD", true), ("\uFFFD", true), ("\uFFFD", false), ("z", false)],
            lines.Select(l => (l.Text(), l.Continued)));
    }

    [Fact]
    public void Limit_must_hold_the_longest_character()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineFramer(3));
    }

    [Fact]
    public void Splitting_the_input_anywhere_gives_the_same_lines()
    {
        var random = new Random(20240611);
        for (var iteration = 0; iteration < 500; iteration++)
        {
            var limit = random.Next(4, 24);
            var input = RandomOutput(random);
            var whole = Frame(limit, input);

            var rechunked = Frame(limit, Rechunk(input, random).ToArray());

            Assert.Equal(whole.Exactly(), rechunked.Exactly());
            Assert.All(rechunked, line => Assert.True(Utf8.IsValid(line.Text.Span)));
            Assert.All(rechunked, line => Assert.InRange(line.Text.Length, 0, limit));
        }
    }

    private static List<FramedLine> Frame(int limit, params string[] chunks) =>
        Frame(limit, chunks.Select(FramedLines.Bytes).ToArray());

    private static List<FramedLine> Frame(int limit, params byte[][] chunks)
    {
        var framer = new LineFramer(limit);
        var lines = new List<FramedLine>();
        foreach (var chunk in chunks)
            lines.AddRange(framer.Feed(chunk));
        lines.AddRange(framer.Finish());
        return lines;
    }

    // What a child might write, with the awkward parts made common: line endings of both kinds, lone CRs,
    // multi-byte characters, bytes that are not UTF-8, and lines longer than the limit.
    private static byte[] RandomOutput(Random random)
    {
        byte[][] pieces =
        [
            "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\r"u8.ToArray(), "abc"u8.ToArray(), "x"u8.ToArray(),
            "é"u8.ToArray(), "€"u8.ToArray(), "😀"u8.ToArray(), [0xFF], [0x80], [0xE2, 0x82], [0xC0, 0xAF],
            [0x00], "\u001b[31m"u8.ToArray(), Encoding.UTF8.GetBytes(new string('L', 40)),
        ];
        var output = new List<byte>();
        var count = random.Next(0, 60);
        for (var i = 0; i < count; i++)
            output.AddRange(pieces[random.Next(pieces.Length)]);
        return output.ToArray();
    }

    // Like akka.net's FramingSpec Rechunker: arbitrary chunk sizes, empty chunks included.
    private static IEnumerable<byte[]> Rechunk(byte[] input, Random random)
    {
        var position = 0;
        while (position < input.Length)
        {
            var size = Math.Min(random.Next(0, 8), input.Length - position);
            yield return input[position..(position + size)];
            position += size;
        }
    }
}
