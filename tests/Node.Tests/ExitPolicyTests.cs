using Chorus.Hosting;

namespace Chorus.Node.Tests;

public sealed class ExitPolicyTests
{
    private readonly ExitPolicy _policy = new();

    [Fact]
    public void Everything_exited_with_0_and_delivered_is_success() =>
        Assert.Equal(ExitCodes.Success, Finished((0, null), (0, null)).ExitCode());

    [Fact]
    public void The_first_failure_passes_on_its_code() =>
        Assert.Equal(3, Finished((0, null), (3, null), (4, null)).ExitCode());

    [Fact]
    public void A_signal_passes_on_128_plus_the_signal() =>
        Assert.Equal(128 + 15, Finished((null, 15), (2, null)).ExitCode());

    [Fact]
    public void A_failure_with_neither_code_nor_signal_is_child_failed() =>
        Assert.Equal(ExitCodes.ChildFailed, Finished((null, null)).ExitCode());

    [Fact]
    public void Exits_after_the_node_began_stopping_are_not_failures()
    {
        _policy.Stopping();

        Assert.Equal(ExitCodes.Success, Finished((null, 15), (143, null)).ExitCode());
    }

    [Fact]
    public void A_failure_before_the_stop_still_counts()
    {
        _policy.ProcessFinished(7, null);
        _policy.Stopping();

        Assert.Equal(7, Finished((null, 15)).ExitCode());
    }

    [Fact]
    public void Undelivered_lines_win_over_a_failure() =>
        Assert.Equal(ExitCodes.Undelivered, Finished((3, null)).ExitCode(undeliveredRecords: 1));

    [Fact]
    public void A_refusal_wins_over_everything()
    {
        _policy.RefusedByAggregator();

        Assert.True(_policy.Refused);
        Assert.Equal(ExitCodes.Refused, Finished((3, null)).ExitCode(undeliveredRecords: 1));
    }

    private ExitPolicy Finished(params (int? Code, int? Signal)[] exits)
    {
        foreach (var (code, signal) in exits) _policy.ProcessFinished(code, signal);
        return _policy;
    }
}
