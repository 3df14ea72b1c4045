using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

public sealed class JoinRoundTests
{
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    [Fact]
    public void Attempts_wait_twice_as_long_each_time_up_to_the_longest_with_a_fifth_of_jitter_either_way()
    {
        var round = new JoinRound(Shortest, Longest, rememberedAttempts: 16);

        var expected = new[] { 1, 2, 4, 5, 5 }.Select(s => TimeSpan.FromSeconds(s));
        foreach (var (wait, nominal) in Enumerable.Range(0, 5).Select(i => round.Attempt($"n{i}")).Zip(expected))
            Assert.InRange(wait, nominal * 0.8, nominal * 1.2);
    }

    [Fact]
    public void Being_accepted_starts_the_next_round_from_the_shortest_wait_and_says_how_many_attempts_it_took()
    {
        var round = new JoinRound(Shortest, Longest, rememberedAttempts: 16);
        round.Attempt("a");
        round.Attempt("b");
        round.Attempt("c");

        Assert.Equal(3, round.Accepted());
        Assert.Equal(0, round.Attempts);
        Assert.InRange(round.Attempt("d"), Shortest * 0.8, Shortest * 1.2);
    }

    [Fact]
    public void An_answer_counts_for_any_remembered_attempt_and_none_once_forgotten()
    {
        var round = new JoinRound(Shortest, Longest, rememberedAttempts: 2);
        round.Attempt("first");
        round.Attempt("second");
        round.Attempt("third");

        Assert.False(round.Answers("first")); // older than the two remembered
        Assert.True(round.Answers("second"));
        Assert.True(round.Answers("third"));
        Assert.False(round.Answers("never sent"));
        round.ForgetAttempts();
        Assert.False(round.Answers("third"));
    }

    [Fact]
    public void The_third_attempt_and_every_tenth_are_worth_saying()
    {
        var round = new JoinRound(Shortest, Longest, rememberedAttempts: 16);

        var said = Enumerable.Range(1, 30).Where(_ =>
        {
            round.Attempt("n");
            return round.WorthSaying;
        });

        Assert.Equal([3, 10, 20, 30], said);
    }
}
