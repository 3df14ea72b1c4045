using Chorus.Node.Instances;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Instances;

public sealed class RestartBudgetTests
{
    private static readonly RestartBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 2.0, 0.1);
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(4, 5000)]
    [InlineData(10, 5000)]
    public void The_wait_grows_by_the_factor_up_to_the_cap(int attempt, double milliseconds) =>
        Assert.Equal(milliseconds, RestartBudget.Delay(Backoff, attempt, unitRandom: 0.5).TotalMilliseconds, precision: 6);

    [Fact]
    public void Jitter_moves_the_wait_by_at_most_its_share_either_way()
    {
        Assert.Equal(900, RestartBudget.Delay(Backoff, 1, unitRandom: 0).TotalMilliseconds, precision: 6);
        Assert.Equal(5500, RestartBudget.Delay(Backoff, 4, unitRandom: 1).TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void One_restart_more_than_max_restarts_within_the_window_gives_up()
    {
        var budget = new RestartBudget(Backoff, maxRestarts: 2, TimeSpan.FromSeconds(60), () => 0.5);

        Assert.Null(budget.Next(T0).GivenUpReason);
        Assert.Null(budget.Next(T0.AddSeconds(10)).GivenUpReason);
        Assert.Equal("3 restarts within 60 s (max-restarts = 2)", budget.Next(T0.AddSeconds(20)).GivenUpReason);
    }

    [Fact]
    public void Restarts_older_than_the_window_no_longer_count_and_the_wait_starts_small_again()
    {
        var budget = new RestartBudget(Backoff, maxRestarts: 2, TimeSpan.FromSeconds(60), () => 0.5);
        budget.Next(T0);
        budget.Next(T0.AddSeconds(1));

        var later = budget.Next(T0.AddSeconds(62));

        Assert.Equal((1, TimeSpan.FromSeconds(1), (string?)null), (later.Attempt, later.Delay, later.GivenUpReason));
    }
}
