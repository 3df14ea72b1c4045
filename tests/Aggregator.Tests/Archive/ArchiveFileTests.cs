using Chorus.Aggregator.Archive;

namespace Chorus.Aggregator.Tests.Archive;

public sealed class ArchiveFileTests : IDisposable
{
    private const string Line1 = """{"type":"line","node":"n1","proc":"web","stream":"stdout","seq":1,"ts":"2026-01-01T00:00:00.000000Z","text":"a"}""";
    private const string Line2 = """{"type":"line","node":"n1","proc":"web","stream":"stdout","seq":2,"ts":"2026-01-01T00:00:00.000001Z","text":"b"}""";
    private const string Batch1 = """{"type":"batch","node":"n1","incarnation":77,"batch":1,"records":1}""";
    private const string Batch2 = """{"type":"batch","node":"n1","incarnation":77,"batch":2,"records":1}""";
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void Complete_batches_are_remembered_per_node_run()
    {
        File.WriteAllText(_path, $"{Line1}\n{Batch1}\n{Line2}\n{Batch2}\n");

        var archived = ArchiveFile.Repair(_path);

        Assert.Equal(new ArchivedNode(77, 2), archived["n1"]);
        Assert.Equal($"{Line1}\n{Batch1}\n{Line2}\n{Batch2}\n", File.ReadAllText(_path));
    }

    [Fact]
    public void A_line_torn_by_a_crash_is_cut_off()
    {
        File.WriteAllText(_path, $"{Line1}\n{Batch1}\n{Line2[..40]}");

        var archived = ArchiveFile.Repair(_path);

        Assert.Equal(new ArchivedNode(77, 1), archived["n1"]);
        Assert.Equal($"{Line1}\n{Batch1}\n", File.ReadAllText(_path));
    }

    [Fact]
    public void Lines_of_a_batch_whose_closing_record_never_came_are_cut_off_as_the_node_sends_them_again()
    {
        File.WriteAllText(_path, $"{Line1}\n{Batch1}\n{Line2}\n{{\"type\":\"li\n");

        var archived = ArchiveFile.Repair(_path);

        Assert.Equal(new ArchivedNode(77, 1), archived["n1"]);
        Assert.Equal($"{Line1}\n{Batch1}\n", File.ReadAllText(_path));
    }

    [Fact]
    public void A_missing_archive_is_an_empty_one()
    {
        File.Delete(_path);

        Assert.Empty(ArchiveFile.Repair(_path));
    }

    public void Dispose() => File.Delete(_path);
}
