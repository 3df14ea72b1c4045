using Chorus.Hosting.Security;

namespace Chorus.Node.Uplink;

/// <summary>
/// The rules of one round of join attempts (from losing the aggregator to being accepted): each attempt waits
/// longer than the last, doubling from the shortest to the longest backoff, with jitter so that many nodes
/// that lost the same aggregator do not knock all at once; an answer to any of the round's recent attempts
/// counts, since a slow answer (an aggregator writing its archive, a first TLS handshake) can arrive after
/// the next attempt went out; the person running the node hears of it on the 3rd attempt and every 10th.
/// </summary>
public sealed class JoinRound
{
    private readonly TimeSpan _shortest;
    private readonly TimeSpan _longest;
    private readonly int _rememberedAttempts;
    // Oldest first; only these nonces' answers are taken.
    private readonly List<string> _nonces = new();
    private TimeSpan _backoff;

    public JoinRound(TimeSpan shortest, TimeSpan longest, int rememberedAttempts)
    {
        (_shortest, _longest, _rememberedAttempts) = (shortest, longest, rememberedAttempts);
        _backoff = shortest;
    }

    /// <summary>Attempts in this round so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>Worth saying "still trying" after the attempt just made.</summary>
    public bool WorthSaying => Attempts == 3 || Attempts % 10 == 0;

    /// <summary>An attempt that went out with <paramref name="nonce"/>: returns how long to wait before the next one.</summary>
    public TimeSpan Attempt(string nonce)
    {
        Attempts++;
        if (_nonces.Count == _rememberedAttempts) _nonces.RemoveAt(0);
        _nonces.Add(nonce);
        var jittered = _backoff * (0.8 + 0.4 * Random.Shared.NextDouble());
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _longest.Ticks));
        return jittered;
    }

    /// <summary>Whether <paramref name="nonce"/> is one this round sent (and still remembers).</summary>
    public bool Answers(string nonce) => _nonces.Exists(ours => SessionKeys.Same(ours, nonce));

    /// <summary>Accepted: the next round starts again from the shortest backoff. Returns the attempts it took.</summary>
    public int Accepted()
    {
        var attempts = Attempts;
        Attempts = 0;
        _backoff = _shortest;
        return attempts;
    }

    /// <summary>Answers to the attempts made so far no longer count (the link was lost, or the node was refused).</summary>
    public void ForgetAttempts() => _nonces.Clear();
}
