using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The spool's state across a crash: two slots written in turn, the newest whole one read back.</summary>
public sealed class SpoolStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-spool-state-").FullName;

    [Fact]
    public void The_newest_of_many_saves_is_read_back_by_the_next_run()
    {
        using (var state = new SpoolState(_directory))
        {
            Assert.Null(state.Load());
            for (var seq = 1; seq <= 5; seq++) Save(state, incarnation: 7, sentUpTo: seq);
        }

        using var next = new SpoolState(_directory);
        var saved = next.Load();

        Assert.NotNull(saved);
        Assert.Equal(7, saved.Incarnation);
        Assert.Equal([1L, 2, 3, 4, 5], saved.Sent.Select(s => s.Seq));
    }

    [Fact]
    public void A_save_torn_by_a_crash_leaves_the_state_before_it()
    {
        using (var state = new SpoolState(_directory))
        {
            state.Load();
            Save(state, incarnation: 7, sentUpTo: 1);
            Save(state, incarnation: 7, sentUpTo: 2);
        }
        // The newest slot is the one written last: cut its last bytes off, as a write cut short would.
        var newest = new SpoolState(_directory).Paths.OrderBy(File.GetLastWriteTimeUtc).ThenBy(p => new FileInfo(p).Length).Last();
        using (var file = new FileStream(newest, FileMode.Open)) file.SetLength(file.Length - 3);

        using var next = new SpoolState(_directory);
        var saved = next.Load();

        Assert.NotNull(saved);
        Assert.Equal([1L], saved.Sent.Select(s => s.Seq));
    }

    [Fact]
    public void A_state_with_nothing_left_to_remember_leaves_no_file_and_reads_back_as_none()
    {
        using (var state = new SpoolState(_directory))
        {
            state.Load();
            Save(state, incarnation: 7, sentUpTo: 1);
            Save(state, incarnation: 7, sentUpTo: 2);
            Assert.True(state.TrySave(7, null, 0, [], out _));
            // A drained spool is an empty directory, as it was before the state had slots.
            Assert.Empty(Directory.GetFiles(_directory));
            Save(state, incarnation: 7, sentUpTo: 3);
        }
        using (var again = new SpoolState(_directory))
        {
            Assert.Equal([1L, 2, 3], again.Load()!.Sent.Select(s => s.Seq));
            Assert.True(again.TrySave(7, null, 0, [], out _));
        }

        using var next = new SpoolState(_directory);
        Assert.Null(next.Load());
    }

    [Fact]
    public void A_state_file_of_the_earlier_layout_is_read_then_replaced_by_the_slots()
    {
        File.WriteAllText(Path.Combine(_directory, "state"), "chorus-spool-state 1\nincarnation 9\nacked 000001000000 120\nsent 4 000001000000 300\n");

        using (var state = new SpoolState(_directory))
        {
            var saved = state.Load();
            Assert.NotNull(saved);
            Assert.Equal((9L, "000001000000", 120L), (saved.Incarnation, saved.AckedSegment, saved.AckedOffset));
            Assert.Equal([new SpoolState.Sent(4, "000001000000", 300)], saved.Sent);
            Assert.True(state.TrySave(9, "000001000000", 300, [], out _));
        }

        Assert.False(File.Exists(Path.Combine(_directory, "state")));
        using var next = new SpoolState(_directory);
        Assert.Equal(300, next.Load()!.AckedOffset);
    }

    private static void Save(SpoolState state, long incarnation, long sentUpTo)
    {
        var sent = Enumerable.Range(1, (int)sentUpTo).Select(seq => new SpoolState.Sent(seq, "000001000000", seq * 100L)).ToList();
        Assert.True(state.TrySave(incarnation, "000001000000", 0, sent, out var error), error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
