using Akka.Actor;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Tests.Support;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Sinks;

/// <summary>
/// A sink whose writer throws must still report every chunk to <see cref="PendingOutput"/>: a chunk it fails
/// on and never reports stays counted as pending, and once such leaks reach half the bound the ingest
/// withholds acks for good.
/// </summary>
public sealed class FailingSinkTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf"))
{
    private static readonly NodeRecord[] Batch = [Line("web", 1, 1, "a"), Line("web", 2, 2, "b")];

    [Fact]
    public async Task Stdout_whose_writer_throws_still_reports_each_chunk_and_writes_the_next()
    {
        var pending = new PendingOutput(100, 1 << 20);
        var output = new ThrowingOnceStream();
        var sink = Sys.ActorOf(SinkActor.Props(new StdoutWriter(output, new JsonFormatter()), pending.AddSink("stdout")));

        pending.Accept(Batch);
        sink.Tell(Chunk(Batch));
        pending.Accept(Batch);
        sink.Tell(Chunk(Batch));

        await Eventually.True(() => pending.Held.Records == 0, TimeSpan.FromSeconds(5));
        await sink.Ask<OutputFlushed>(new FlushOutput(), TimeSpan.FromSeconds(5));
        Assert.Contains("\"text\":\"b\"", output.Written);
    }

    [Fact]
    public async Task A_sink_whose_writer_always_throws_still_reports_each_chunk()
    {
        var pending = new PendingOutput(100, 1 << 20);
        var sink = Sys.ActorOf(SinkActor.Props(new ThrowingWriter(), pending.AddSink("status board")));

        for (var i = 0; i < 3; i++)
        {
            pending.Accept(Batch);
            sink.Tell(Chunk(Batch));
        }

        await Eventually.True(() => pending.Held.Records == 0, TimeSpan.FromSeconds(5));
        Assert.Equal(PendingOutput.Fill.Low, pending.Level);
    }

    private static OutputChunk Chunk(IEnumerable<NodeRecord> records) => Chunks.Chunk(records.Select(r => new OutputItem("n1", r)).ToArray());

    /// <summary>A writer with a bug: it throws on every chunk.</summary>
    private sealed class ThrowingWriter : IOutputWriter
    {
        public void Write(OutputChunk chunk) => throw new InvalidOperationException("a writer bug");
    }

    /// <summary>A stream that fails its first write with something other than an I/O error (a bug, say), then works.</summary>
    private sealed class ThrowingOnceStream : MemoryStream
    {
        private int _writes;

        public string Written
        {
            get { lock (this) return System.Text.Encoding.UTF8.GetString(ToArray()); }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (this)
            {
                if (_writes++ == 0) throw new InvalidOperationException("a writer bug");
                base.Write(buffer);
            }
        }
    }
}
