using System.Text;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class SpoolTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chorus-spool-test-" + Guid.NewGuid().ToString("N"));
    private readonly BatchCodec _codec;

    public SpoolTests() : base(HoconFiles.Load("wire.conf")) => _codec = new BatchCodec(Sys);

    [Fact]
    public void Batches_come_back_in_the_order_they_were_spooled()
    {
        using var spool = new Spool(_directory, 1 << 30, _codec);
        for (var i = 1; i <= 100; i++) Assert.Null(spool.Append(Batch("web", i, 10)));

        var lines = Drain(spool).SelectMany(b => b.Records).Select(r => r.Seq).ToList();

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), lines);
        Assert.True(spool.IsEmpty);
        Assert.Empty(Directory.GetFiles(_directory, "*.spool"));
    }

    [Fact]
    public void A_directory_serves_one_spool_at_a_time()
    {
        using (var first = new Spool(_directory, 1 << 30, _codec))
        {
            first.Append(Batch("web", 1, 10));

            var error = Assert.Throws<IOException>(() => new Spool(_directory, 1 << 30, _codec));

            Assert.Contains("another chorus-node is using it", error.Message);
        }
        // Released with the first: the next run takes it over, leftovers included.
        using var next = new Spool(_directory, 1 << 30, _codec);
        Assert.False(next.IsEmpty);
    }

    [Fact]
    public void Past_the_cap_the_oldest_batches_are_dropped_and_counted_per_process()
    {
        using var spool = new Spool(_directory, 256 * 1024, _codec);
        var dropped = new DroppedRecords();
        for (var i = 1; i <= 400; i++)
        {
            if (spool.Append(Batch(i % 2 == 0 ? "web" : "worker", i, 20)) is { } d)
                foreach (var r in d.TakeRecords("spool-full")) dropped.Add(r);
        }

        var kept = Drain(spool).SelectMany(b => b.Records).ToList();
        var gaps = dropped.TakeRecords("spool-full");

        Assert.True(spool.Bytes == 0 && kept.Count < 400 * 20, "something was dropped");
        Assert.Equal(400 * 20, kept.Count + gaps.Sum(g => g.Count));
        foreach (var process in new[] { "web", "worker" })
            Assert.Equal(200 * 20, kept.Count(r => r.Process == process) + gaps.Where(g => g.Process == process).Sum(g => g.Count));
        // What is kept is the newest, still in order.
        Assert.Equal(kept.OrderBy(r => r.Seq).Select(r => r.Seq), kept.Select(r => r.Seq));
        Assert.Equal(400L * 20, kept[^1].Seq);
    }

    [Fact]
    public void A_spool_left_by_an_earlier_run_is_read_first_and_a_torn_last_record_is_skipped()
    {
        using (var earlier = new Spool(_directory, 1 << 30, _codec))
            for (var i = 1; i <= 3; i++) earlier.Append(Batch("web", i, 5));
        var file = Directory.GetFiles(_directory, "*.spool").Single();
        File.AppendAllText(file, "\u0010\0\0\0torn"); // a kill -9 in the middle of a write

        using var spool = new Spool(_directory, 1 << 30, _codec);
        spool.Append(Batch("web", 4, 5));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Drain(spool).SelectMany(b => b.Records).Select(r => r.Seq));
    }

    private static List<LineBatch> Drain(Spool spool)
    {
        var batches = new List<LineBatch>();
        while (spool.TakeOldest() is { } batch) batches.Add(batch);
        return batches;
    }

    /// <summary>The n-th batch of <paramref name="lines"/> lines of 1 KiB each, numbered on from the batches before.</summary>
    private static LineBatch Batch(string process, int n, int lines)
    {
        var text = Encoding.UTF8.GetBytes(new string('x', 1024));
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(n);
        var records = Enumerable.Range(1, lines)
            .Select(i => NodeRecord.Line(process, OutputStream.Stdout, (long)(n - 1) * lines + i, t0.AddTicks(i), text, false))
            .ToArray();
        return new LineBatch("node-a", 7, 0, t0.AddSeconds(1), records);
    }

    public new void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
