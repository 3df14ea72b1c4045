using System.Collections.Immutable;
using System.IO.Pipes;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chorus.Hosting;
using Chorus.Node.Processes;
using Chorus.Node.Tests.Support;

namespace Chorus.Node.Tests.Processes;

/// <summary>
/// The pipe reader with its framing, over a real pipe. How a read splits the bytes is up to the kernel, so
/// these check the lines; the framer's own tests (LineFramerTests) cover every way a chunk may split them.
/// </summary>
public class PipeSourceTests : Akka.TestKit.Xunit2.TestKit
{
    // The shipped pipe-poll-interval (hocon/node.conf).
    private static readonly TimeSpan PollInterval = Support.TestNodeSettings.With().PipePollInterval;
    private const int Limit = 64 * 1024;

    // node.conf configures the pipe readers' dispatcher.
    public PipeSourceTests() : base(HoconFiles.Load("node.conf"))
    {
    }

    [Fact]
    public async Task Lines_written_in_pieces_come_out_whole_without_crlf()
    {
        var emitted = await Run(Limit, "one\r", "\ntw", "o\r\nthree\n");

        Assert.Equal(["one", "two", "three"], emitted.SelectMany(lines => lines.Texts()));
    }

    [Fact]
    public async Task Unterminated_last_line_is_emitted_when_the_pipe_closes()
    {
        var emitted = await Run(Limit, "first\nla", "st");

        Assert.Equal(["first", "last"], emitted.SelectMany(lines => lines.Texts()));
    }

    [Fact]
    public async Task Empty_input_emits_nothing()
    {
        Assert.Empty(await Run(Limit));
    }

    [Fact]
    public async Task Lines_stay_intact_when_later_reads_reuse_the_buffer()
    {
        // A read buffer of 8 bytes is overwritten many times while the first lines are still held.
        var written = Enumerable.Range(0, 1000).Select(i => $"line {i:D4} {new string('x', i % 17)}").ToArray();

        var emitted = await Run(Limit, 8, written.Select(line => line + "\n").ToArray());

        Assert.Equal(written, emitted.SelectMany(lines => lines.Texts()));
    }

    [Fact]
    public async Task Megabyte_line_comes_out_in_pieces_within_the_limit_that_join_back()
    {
        var line = new string(Enumerable.Range(0, 1024 * 1024).Select(i => (char)('a' + i % 26)).ToArray());

        var pieces = (await Run(Limit, line, "\n")).SelectMany(lines => lines).ToList();

        Assert.All(pieces, piece => Assert.InRange(piece.Text.Length, 1, Limit));
        Assert.All(pieces[..^1], piece => Assert.True(piece.Continued));
        Assert.False(pieces[^1].Continued);
        Assert.Equal(line, Encoding.ASCII.GetString(pieces.SelectMany(piece => piece.Text.ToArray()).ToArray()));
    }

    [Fact]
    public async Task An_abandoned_pipe_ends_its_stream_though_its_writer_still_holds_it_open()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var pipe = new ChildPipe(new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle), PollInterval);
        var read = PipeSource.Create(pipe, Limit, Limit).RunWith(Sink.Seq<PipeRead>(), Sys.Materializer());
        writer.Write("held\n"u8);
        writer.Flush();
        await AwaitConditionAsync(() => Task.FromResult(pipe.BytesWritten() == 5 && pipe.BytesRead == 5));

        pipe.Abandon();

        var reads = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["held"], reads.SelectMany(r => r.Lines).Texts());
        Assert.Equal(5, reads[^1].BytesFramed);
    }

    [Fact]
    public void Limit_too_small_for_a_character_fails_when_the_source_is_built()
    {
        using var pipe = new ChildPipe(new MemoryStream(), PollInterval);
        Assert.Throws<ArgumentOutOfRangeException>(() => PipeSource.Create(pipe, Limit, 2));
    }

    private Task<IImmutableList<IReadOnlyList<FramedLine>>> Run(int limit, params string[] writes) => Run(limit, Limit, writes);

    /// <summary>Writes each string to a real pipe from another thread, then closes it; reads the other end.</summary>
    private async Task<IImmutableList<IReadOnlyList<FramedLine>>> Run(int limit, int chunkBytes, params string[] writes)
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var reader = new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle);
        var read = PipeSource.Create(new ChildPipe(reader, PollInterval), chunkBytes, limit)
            .Select(r => r.Lines)
            .Where(lines => lines.Count > 0)
            .RunWith(Sink.Seq<IReadOnlyList<FramedLine>>(), Sys.Materializer());
        await Task.Run(() =>
        {
            foreach (var write in writes)
            {
                writer.Write(Encoding.UTF8.GetBytes(write));
                writer.Flush();
            }
            writer.Dispose();
        });
        return await read.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
