using System.Text;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Uplink;
using Chorus.Tests.Support;

namespace Chorus.Node.Tests.Uplink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SpoolTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chorus-spool-test-" + Guid.NewGuid().ToString("N"));
    private readonly BatchCodec _codec;

    public SpoolTests() : base(HoconFiles.Load("wire.conf")) => _codec = new BatchCodec(Sys);

    [Fact]
    public void Batches_come_back_in_the_order_they_were_spooled()
    {
        using var spool = new Spool(_directory, 1 << 30, _codec);
        for (var i = 1; i <= 100; i++) spool.Append(Batch("web", i, 10));

        var lines = Drain(spool).SelectMany(b => b.Records).Select(r => r.Seq).ToList();

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), lines);
        Assert.False(spool.HasUnread);
        Assert.Empty(Directory.GetFiles(_directory, "*.spool"));
    }

    [Fact]
    public void A_spooled_batch_goes_out_as_the_bytes_it_was_stored_as_under_its_number()
    {
        using var spool = new Spool(_directory, 1 << 30, _codec);
        var original = Batch("web", 1, 10);
        spool.Append(original);

        var taken = spool.TakeOldest(1)!;

        Assert.False(Assert.IsType<RecordBlock>(taken.Records).Encoded.IsEmpty);
        Assert.Equal(_codec.Write(original with { Incarnation = 3, Seq = 1, SessionKey = "key" }),
            _codec.Write(taken with { Incarnation = 3, Seq = 1, SessionKey = "key" }));
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
        Assert.True(next.HasUnread);
    }

    [Fact]
    public void Past_the_cap_the_oldest_batches_are_dropped_and_a_gap_in_their_place_counts_them_per_process()
    {
        using var spool = new Spool(_directory, 256 * 1024, _codec);
        for (var i = 1; i <= 400; i++) spool.Append(Batch(i % 2 == 0 ? "web" : "worker", i, 20));
        Assert.InRange(spool.Bytes, 1, 256 * 1024);

        var records = Drain(spool).SelectMany(b => b.Records).ToList();

        var kept = records.Where(r => r.Kind == RecordKind.Line).ToList();
        var gaps = records.Where(r => r.Kind == RecordKind.Gap).ToList();
        Assert.True(kept.Count < 400 * 20, "something was dropped");
        Assert.All(gaps, g => Assert.Equal("spool-full", g.Reason));
        foreach (var process in new[] { "web", "worker" })
            Assert.Equal(200 * 20, kept.Count(r => r.Process == process) + gaps.Where(g => g.Process == process).Sum(g => g.Count));
        // The gaps come first, in the dropped lines' place; what is kept is the newest, still in order.
        Assert.All(records.TakeWhile(r => r.Kind == RecordKind.Gap), g => Assert.Equal(RecordKind.Gap, g.Kind));
        Assert.Equal(gaps.Count, records.TakeWhile(r => r.Kind == RecordKind.Gap).Count());
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

    [Fact]
    public void A_batch_taken_but_not_acknowledged_stays_on_disk_for_the_next_run()
    {
        using (var spool = new Spool(_directory, 1 << 30, _codec))
        {
            for (var i = 1; i <= 3; i++) spool.Append(Batch("web", i, 5));
            Assert.NotNull(spool.TakeOldest(1));
            Assert.NotNull(spool.TakeOldest(2));
            spool.Acknowledge(1);
        }

        using var next = new Spool(_directory, 1 << 30, _codec);
        Assert.Null(next.ResumeIncarnation); // the second was taken, never sent: nothing to ask the aggregator
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), Drain(next).SelectMany(b => b.Records).Select(r => r.Seq));
    }

    [Fact]
    public void A_run_killed_after_sending_spooled_batches_is_resumed_and_what_the_aggregator_holds_is_not_sent_again()
    {
        // What kill -9 leaves is what is on disk at that moment: a copy taken while the spool is still open.
        var spool = new Spool(_directory, 1 << 30, _codec);
        for (var i = 1; i <= 6; i++) spool.Append(Batch("web", i, 5));
        for (var seq = 11; seq <= 15; seq++) Assert.NotNull(spool.TakeOldest(seq)); // 10 batches went before, straight from memory
        spool.Persist(incarnation: 99, highestSent: 14); // 11-14 sent, 15 taken but not yet sent
        spool.Acknowledge(12);
        spool.Persist(99, 14);
        var killed = CopyOf(_directory);
        spool.Dispose();

        using var next = new Spool(killed, 1 << 30, _codec);
        Assert.Equal((99L, 13L), (next.ResumeIncarnation, next.ResumeFirstSeq));
        next.Resume(nextSeq: 14); // the aggregator holds 13 too; its acknowledgement never arrived

        // Batches 1-3 (11-13) are with the aggregator; from batch 4 on they come again, once.
        Assert.Equal(Enumerable.Range(16, 15).Select(i => (long)i), Drain(next).SelectMany(b => b.Records).Select(r => r.Seq));
        Directory.Delete(killed, recursive: true);
    }

    [Fact]
    public void Segments_go_from_the_disk_once_every_batch_in_them_is_acknowledged()
    {
        using var spool = new Spool(_directory, 1 << 30, _codec); // segments of 8 MiB: 20 KiB batches, about 400 each
        for (var i = 1; i <= 1000; i++) spool.Append(Batch("web", i, 20));
        var segments = Directory.GetFiles(_directory, "*.spool").Length;
        for (var seq = 1; seq <= 1000; seq++) Assert.NotNull(spool.TakeOldest(seq));

        Assert.Equal(segments, Directory.GetFiles(_directory, "*.spool").Length);
        spool.Acknowledge(999);
        Assert.Single(Directory.GetFiles(_directory, "*.spool"));
        spool.Acknowledge(1000);
        Assert.Empty(Directory.GetFiles(_directory, "*.spool"));
        Assert.Equal(0, spool.Bytes);
    }

    [Fact]
    public void What_a_drain_timeout_writes_back_from_memory_comes_before_what_was_spooled()
    {
        using (var spool = new Spool(_directory, 1 << 30, _codec))
        {
            for (var i = 3; i <= 4; i++) spool.Append(Batch("web", i, 5)); // spooled once memory was full: newer
            LineBatch[] memory = [Batch("web", 1, 5) with { Seq = 1 }, Batch("web", 2, 5) with { Seq = 2 }];
            Assert.Equal(0, spool.Spill(memory));
            spool.Persist(99, highestSent: 2);
        }

        using var next = new Spool(_directory, 1 << 30, _codec);
        Assert.Equal(99, next.ResumeIncarnation);
        next.Resume(nextSeq: 2); // the aggregator had the first of them
        Assert.Equal(Enumerable.Range(6, 15).Select(i => (long)i), Drain(next).SelectMany(b => b.Records).Select(r => r.Seq));
    }

    [SmallDiskFact]
    public void A_full_disk_turns_what_does_not_fit_into_a_gap_after_what_was_kept()
    {
        using var disk = SmallDisk.Mount("256k");
        using var spool = new Spool(Path.Combine(disk.Path, "spool"), 1 << 30, _codec);

        for (var i = 1; i <= 100; i++) spool.Append(Batch(i % 2 == 0 ? "web" : "worker", i, 20)); // 2 MB onto 256 KiB

        var records = Drain(spool).SelectMany(b => b.Records).ToList();
        var kept = records.Where(r => r.Kind == RecordKind.Line).ToList();
        var gaps = records.Where(r => r.Kind == RecordKind.Gap).ToList();
        Assert.InRange(kept.Count, 1, 100 * 20 - 1);
        Assert.All(gaps, g => Assert.Equal("spool-full", g.Reason));
        foreach (var process in new[] { "web", "worker" })
            Assert.Equal(50 * 20, kept.Count(r => r.Process == process) + gaps.Where(g => g.Process == process).Sum(g => g.Count));
        // Kept lines first, in order; the gap for the newest after them.
        Assert.Equal(kept, records.Take(kept.Count));
        Assert.Equal(kept.OrderBy(r => r.Seq).Select(r => r.Seq), kept.Select(r => r.Seq));
    }

    [Fact]
    public void The_spool_directory_and_its_files_are_private()
    {
        using (var spool = new Spool(_directory, 1 << 30, _codec))
        {
            spool.Append(Batch("web", 1, 5));
            spool.TakeOldest(1);
            spool.Persist(99, 1);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
            Assert.All(Directory.GetFiles(_directory), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
            Assert.Contains(Directory.GetFiles(_directory), f => Path.GetFileName(f).StartsWith("state.", StringComparison.Ordinal));
        }
        // One made open by hand is closed up.
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_111_111);
        using var again = new Spool(_directory, 1 << 30, _codec);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }

    [SmallDiskFact] // root, to hand the directory to another user
    public void A_spool_directory_of_another_user_is_refused_with_what_to_do()
    {
        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, (UnixFileMode)0b111_111_111);
        Chown(_directory, 65534);

        var error = Assert.Throws<UsageException>(() => new Spool(_directory, 1 << 30, _codec));

        Assert.Contains(_directory, error.Message);
        Assert.Contains("belongs to another user", error.Message);
        Assert.Contains("--spool DIR", error.Message);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(), path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    private static string CopyOf(string directory)
    {
        var copy = Directory.CreateTempSubdirectory("chorus-spool-killed-").FullName;
        foreach (var file in Directory.GetFiles(directory).Where(f => Path.GetFileName(f) != "lock"))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    /// <summary>Takes every batch (numbered from 1) and acknowledges them all, as an aggregator that keeps up would.</summary>
    private static List<LineBatch> Drain(Spool spool)
    {
        var batches = new List<LineBatch>();
        while (spool.TakeOldest(batches.Count + 1) is { } batch) batches.Add(batch);
        spool.Acknowledge(batches.Count);
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
        return new LineBatch("node-a", 7, 0, t0.AddSeconds(1), records, SessionKey: "");
    }

    public new void Dispose()
    {
        base.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
