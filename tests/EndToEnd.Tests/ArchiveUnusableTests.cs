using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// An --archive the aggregator cannot open is found at start, before any node is accepted: exit 5 with a
/// message naming the file. Running on without it would accept nodes and never acknowledge their lines.
/// </summary>
public sealed class ArchiveUnusableTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-archive-").FullName;

    [Theory]
    [InlineData("missing-directory/archive.jsonl", "directory")]
    [InlineData(".", "a directory")] // the directory itself: not a file that can be read or appended to
    public async Task An_archive_that_cannot_be_opened_exits_5_at_start_naming_the_file(string relative, string why)
    {
        var path = Path.GetFullPath(Path.Combine(_directory, relative));
        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--archive", path);

        Assert.Equal(5, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var message = Assert.Single(aggregator.Stderr, l => l.Contains(path));
        Assert.Contains(why, message);
        Assert.Contains("--archive", message);
        Assert.DoesNotContain(aggregator.Stderr, l => l.Contains("nodes join at") || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
