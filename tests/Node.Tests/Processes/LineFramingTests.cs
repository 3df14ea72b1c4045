using System.Collections.Immutable;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

public class LineFramingTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Limit = 64 * 1024;

    [Fact]
    public async Task Lines_split_across_chunks_come_out_whole_without_crlf()
    {
        var emitted = await Run(Limit, "one\r", "\ntw", "o\r\nthree\n");

        Assert.Equal([["one"], ["two", "three"]], emitted.Select(lines => lines.Texts()));
    }

    [Fact]
    public async Task Chunk_that_completes_no_line_emits_nothing()
    {
        var emitted = await Run(Limit, "a", "b", "c", "\n");

        Assert.Equal([["abc"]], emitted.Select(lines => lines.Texts()));
    }

    [Fact]
    public async Task Unterminated_last_line_is_emitted_when_the_input_ends()
    {
        var emitted = await Run(Limit, "first\nla", "st");

        Assert.Equal([["first"], ["last"]], emitted.Select(lines => lines.Texts()));
    }

    [Fact]
    public async Task Empty_input_emits_nothing()
    {
        Assert.Empty(await Run(Limit));
    }

    [Fact]
    public async Task Chunk_made_of_several_buffers_is_read_whole()
    {
        var chunk = ByteString.FromString("ab").Concat(ByteString.FromString("c\nd\n"));

        var emitted = await Run(Limit, [chunk]);

        Assert.Equal([["abc", "d"]], emitted.Select(lines => lines.Texts()));
    }

    [Fact]
    public async Task Megabyte_line_comes_out_in_pieces_within_the_limit_that_join_back()
    {
        var line = Enumerable.Range(0, 1024 * 1024).Select(i => (byte)('a' + i % 26)).ToArray();
        var chunks = line.Chunk(Limit).Append("\n"u8.ToArray()).Select(ByteString.FromBytes);

        var pieces = (await Run(Limit, chunks)).SelectMany(lines => lines).ToList();

        Assert.All(pieces, piece => Assert.InRange(piece.Text.Length, 1, Limit));
        Assert.All(pieces[..^1], piece => Assert.True(piece.Continued));
        Assert.False(pieces[^1].Continued);
        Assert.Equal(line, pieces.SelectMany(piece => piece.Text.ToArray()));
    }

    [Fact]
    public void Limit_too_small_for_a_character_fails_when_the_flow_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LineFraming.Create(2));
    }

    private Task<IImmutableList<IReadOnlyList<FramedLine>>> Run(int limit, params string[] chunks) =>
        Run(limit, chunks.Select(ByteString.FromString));

    private Task<IImmutableList<IReadOnlyList<FramedLine>>> Run(int limit, IEnumerable<ByteString> chunks) =>
        Source.From(chunks)
            .Via(LineFraming.Create(limit))
            .RunWith(Sink.Seq<IReadOnlyList<FramedLine>>(), Sys.Materializer());
}
