using Akka.Actor;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Tests.Support;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Sinks;

/// <summary>
/// A sink that throws must still report every chunk to the output backlog: a chunk it fails on and never
/// reports stays counted as held, and once such leaks reach half the bound the ingest withholds acks for good.
/// </summary>
public sealed class FailingSinkTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf"))
{
    private static readonly NodeRecord[] Batch = [Line("web", 1, 1, "a"), Line("web", 2, 2, "b")];

    [Fact]
    public async Task Stdout_whose_writer_throws_still_reports_each_chunk_and_writes_the_next()
    {
        var backlog = new OutputBacklog(100, 1 << 20);
        var output = new ThrowingOnceStream();
        var sink = Sys.ActorOf(StdoutSink.Props(output, new JsonFormatter(), backlog.AddSink("stdout")));

        backlog.Accept(Batch);
        sink.Tell(Chunk(Batch));
        backlog.Accept(Batch);
        sink.Tell(Chunk(Batch));

        await Eventually.True(() => backlog.Held.Records == 0, TimeSpan.FromSeconds(5));
        await sink.Ask<MergeActor.Flushed>(new MergeActor.SinkFlush(), TimeSpan.FromSeconds(5));
        Assert.Contains("\"text\":\"b\"", output.Written);
    }

    [Fact]
    public async Task A_hand_off_sink_whose_consumer_throws_still_reports_each_chunk()
    {
        var backlog = new OutputBacklog(100, 1 << 20);
        var sink = Sys.ActorOf(HandOffSink.Props(_ => throw new InvalidOperationException("a consumer bug"), backlog.AddSink("status board")));

        for (var i = 0; i < 3; i++)
        {
            backlog.Accept(Batch);
            sink.Tell(Chunk(Batch));
        }

        await Eventually.True(() => backlog.Held.Records == 0, TimeSpan.FromSeconds(5));
        Assert.Equal(OutputBacklog.Fill.Low, backlog.Level);
    }

    private static OutputChunk Chunk(IEnumerable<NodeRecord> records) => new(records.Select(r => new OutputItem("n1", r)).ToArray());

    /// <summary>A writer that fails its first write with something other than an I/O error (a bug, say), then works.</summary>
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
