using Chorus.Aggregator.Ingest;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;

namespace Chorus.Aggregator.Tests.Ingest;

public sealed class JoinPolicyTests
{
    private readonly JoinPolicy _open = new(token: null, maxNodes: 2);
    private readonly JoinPolicy _guarded = new(AccessToken.From("right token", "test"), maxNodes: 2);

    [Fact]
    public void A_valid_name_with_room_joins_without_a_token_configured()
    {
        Assert.Null(_open.Judge(new JoinRequest("web-1", 1, 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: false, nodesUp: 1));
    }

    [Fact]
    public void A_name_outside_the_rule_is_refused_first_escaped_and_counted_under_one_entry()
    {
        var refusal = _guarded.Judge(new JoinRequest("\u001b[31m\nFAKE", 1, 1, "wrong token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: false, nodesUp: 2);

        Assert.NotNull(refusal);
        Assert.Contains(NodeName.Rule, refusal.Reason);
        Assert.DoesNotContain('\u001b', refusal.Reason);
        Assert.Equal("(a name outside the rule)", refusal.CountAs);
    }

    [Theory]
    [InlineData("", "it gave no token")]
    [InlineData("wrong token", "does not match")]
    public void A_join_without_the_right_token_is_refused_and_counted_under_its_name(string token, string reason)
    {
        var refusal = _guarded.Judge(new JoinRequest("web-1", 1, 1, token, SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: true, nodesUp: 0);

        Assert.Contains(reason, refusal?.Reason);
        Assert.Equal("web-1", refusal?.CountAs);
    }

    [Fact]
    public void At_max_nodes_a_new_name_is_refused_and_a_known_one_still_joins()
    {
        var refusal = _guarded.Judge(new JoinRequest("new", 1, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: false, nodesUp: 2);

        Assert.Contains("chorus.aggregator.max-nodes", refusal?.Reason);
        Assert.Equal("(any new name)", refusal?.CountAs);
        Assert.Null(_guarded.Judge(new JoinRequest("old", 9, 1, "right token", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: true, nodesUp: 2));
    }

    [Fact]
    public void What_a_peer_sent_is_quoted_short_however_long_it_is()
    {
        var huge = new string('\u0001', 100_000);
        var badName = _guarded.Judge(new JoinRequest(huge, 1, 1, "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"), knownName: false, nodesUp: 0);
        var otherWire = JoinPolicy.OtherWireVersion(new UnreadableJoin(999, "", huge));

        // Sent back in a JoinRefused, which must fit the wire's 128000-byte frame, and logged.
        Assert.InRange(badName!.Reason.Length, 1, 2000);
        Assert.InRange(otherWire.Reason.Length, 1, 2000);
    }
}
