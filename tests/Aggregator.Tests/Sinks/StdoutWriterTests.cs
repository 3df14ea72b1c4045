using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Sinks;

public sealed class StdoutWriterTests
{
    private static readonly OutputItem[] Chunk = [new("n1", Line("web", 1, 1, "a")), new("n1", Line("web", 2, 2, "b"))];

    [Fact]
    public void A_chunk_goes_out_in_one_write_and_is_flushed()
    {
        var output = new RecordingStream();

        new StdoutWriter(output, new JsonFormatter()).Write(Chunk);

        var write = Assert.Single(output.Writes);
        Assert.Equal(2, write.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"text\":\"b\"", write);
        Assert.Equal(1, output.Flushes);
    }

    [Fact]
    public void A_folded_line_is_written_once_for_all_its_copies()
    {
        var output = new RecordingStream();
        var line = Line("task-t1", 1, 1, "Linux 6.1");

        new StdoutWriter(output, new TextFormatter(color: false)).Write(
            [new("n1", line, FoldedNodes: ["n1", "n2"]), new("n2", line, FoldedAway: true), new("n2", Line("task-t1", 2, 1, "bye"))]);

        var lines = Assert.Single(output.Writes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([" [n1,n2]/task-t1 | Linux 6.1", " n2/task-t1 | bye"], lines.Select(l => l[12..]));
    }

    [Fact]
    public void A_closed_stdout_is_said_once_and_later_chunks_are_skipped()
    {
        var output = new RecordingStream { Closed = true };
        var writer = new StdoutWriter(output, new JsonFormatter());

        var closed = Assert.Throws<OutputClosedException>(() => writer.Write(Chunk));
        writer.Write(Chunk);
        writer.Write(Chunk);

        Assert.StartsWith("stdout is closed (Broken pipe)", closed.Message);
        Assert.Equal(1, output.Attempts);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public bool Closed { get; init; }
        public List<string> Writes { get; } = [];
        public int Attempts { get; private set; }
        public int Flushes { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Attempts++;
            if (Closed) throw new IOException("Broken pipe");
            Writes.Add(System.Text.Encoding.UTF8.GetString(buffer));
        }

        public override void Flush() => Flushes++;
    }
}
