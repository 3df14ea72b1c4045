using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;

namespace Chorus.Aggregator.Ingest;

/// <summary>
/// Who may join: a name within <see cref="NodeName"/>'s rule, the token when one is configured, and room
/// under max-nodes for a name not known yet (a known name, up or down, may always join again). The name is
/// checked first, so whatever is logged after names the node by a name that is safe to print. A join of another
/// wire version is refused whoever sends it (<see cref="OtherWireVersion"/>): nothing else of it can be read.
/// </summary>
public sealed class JoinPolicy(AccessToken? token, int maxNodes)
{
    /// <param name="Reason">For the node's operator: what was wrong and what to do.</param>
    /// <param name="CountAs">What the refusal is counted under in the log: the node's name, or one entry for a
    /// whole kind of join whose names are made up, so they cannot grow the count's memory.</param>
    public sealed record Refusal(string Reason, string CountAs);

    /// <summary>Why the join is refused, or null when it may join.</summary>
    /// <param name="knownName">A link under that name exists, up or down.</param>
    /// <param name="nodesUp">How many nodes are up now.</param>
    public Refusal? Judge(JoinRequest join, bool knownName, int nodesUp)
    {
        if (!NodeName.IsValid(join.Node))
            return new Refusal($"its name \"{PrintableText.Quote(join.Node)}\" breaks the rule: {NodeName.Rule}. Give the node another with --name NAME.",
                "(a name outside the rule)");
        if (token is not null && !token.Matches(join.Token))
            return new Refusal((join.Token.Length == 0 ? "it gave no token, and this aggregator requires one." : "its token does not match the aggregator's.") +
                               " Give the aggregator's token with --token-file FILE or the CHORUS_TOKEN environment variable.", join.Node);
        if (!knownName && nodesUp >= maxNodes)
            return new Refusal($"this aggregator already tracks {maxNodes} nodes, its limit. Reuse a node name with --name, " +
                               "or raise chorus.aggregator.max-nodes in the aggregator's --config file.", "(any new name)");
        return null;
    }

    /// <summary>Refuses a join this aggregator cannot read, naming both sides' wire and Chorus versions so the person knows which build to run.</summary>
    public static Refusal OtherWireVersion(UnreadableJoin join) =>
        new($"it speaks wire version {join.WireVersion} (Chorus {PrintableText.Quote(join.ChorusVersion)}), and this aggregator reads only " +
            $"wire version {WireVersion.Current} (Chorus {ChorusVersion.Text}). Run the same Chorus version on the nodes and the aggregator.",
            "(another wire version)");
}
