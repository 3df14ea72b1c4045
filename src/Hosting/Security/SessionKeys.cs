using System.Security.Cryptography;
using System.Text;

namespace Chorus.Hosting.Security;

/// <summary>
/// Session keys: 16 random bytes from the OS's cryptographic generator, issued when a node joins. A peer
/// that never joined cannot guess one, so it cannot inject lines even knowing a node's name and incarnation.
/// A node's join nonces are made the same way: a peer that never saw the join cannot answer it.
/// </summary>
public static class SessionKeys
{
    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Constant-time, so timing does not reveal how much of a guess was right.</summary>
    public static bool Same(string expected, string? presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented ?? ""));
}
