using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Tasks;

/// <summary>An aggregator whose --state-dir cannot hold the task store stops at start, with exit 8 and what to do.</summary>
public sealed class StateDirUnusableTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-state-dir-").FullName;

    [Fact]
    public async Task A_state_dir_holding_something_else_than_the_store_stops_the_aggregator_with_exit_8()
    {
        var state = Path.Combine(_directory, "state");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "tasks.db"), "not a database, but long enough to have been read as one if it were");

        using var aggregator = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state-dir", state);

        Assert.Equal(8, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.Contains($"cannot keep the task queue in --state-dir {state}") && l.Contains("is not an SQLite database"));
        Assert.DoesNotContain(aggregator.Stderr, l => l.Contains("nodes join at"));
    }

    [Fact]
    public async Task A_second_aggregator_on_a_state_dir_in_use_stops_with_exit_8_and_leaves_the_first_alone()
    {
        var state = Path.Combine(_directory, "shared");
        var (first, _, _) = await ChorusProcess.StartAggregatorAsync("--state-dir", state);
        using (first)
        {
            using var second = ChorusProcess.Start("chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state-dir", state);

            Assert.Equal(8, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(second.Stderr, l => l.Contains($"cannot keep the task queue in --state-dir {state}") && l.Contains("another aggregator"));
            Assert.False(first.HasExited);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
