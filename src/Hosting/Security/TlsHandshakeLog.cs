using System.Text.RegularExpressions;
using Akka.Event;
using DotNetty.Handlers.Tls;

namespace Chorus.Hosting.Security;

/// <summary>
/// Akka's DotNetty transport logs each failed TLS handshake as two or three entries of many lines (with advice
/// about Windows certificate stores and suppress-validation). This replaces them with one line through
/// <see cref="TlsNotice"/> that says what to fix, or with nothing when <see cref="RemotingTls"/>'s check of the
/// peer's certificate has already said why it refused.
/// </summary>
public static partial class TlsHandshakeLog
{
    /// <summary>True when the event was Akka's account of a TLS handshake, now handled; false for any other event.</summary>
    public static bool Handle(LogEvent e)
    {
        if (e.LogClass?.Namespace != "Akka.Remote.Transport.DotNetty") return false;
        var message = e.Message?.ToString() ?? "";
        var cause = e is Error { Cause: { } exception } ? exception.GetBaseException() : null;
        if (message.StartsWith("Rejected incoming connection", StringComparison.Ordinal)) return true; // follows the failure below
        if (message.StartsWith("Error caught channel", StringComparison.Ordinal)) return cause is NotSslRecordException; // so does this
        if (!message.StartsWith("TLS handshake failed", StringComparison.Ordinal)) return false;

        var peer = RemoteEnd().Match(message) is { Success: true } match ? match.Groups[1].Value : "a peer";
        if (cause?.Message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal) == true) return true;
        if (cause is NotSslRecordException)
            TlsNotice.Write($"refused a connection from {peer} that does not use TLS. This process takes only TLS peers: " +
                            "give the node --tls-cert, --tls-key and --tls-ca too (README, Security).");
        else
            TlsNotice.Write($"the TLS handshake with {peer} failed ({cause?.Message ?? "no reason given"}). If it refused this process's " +
                            "certificate, --tls-cert is not signed by the CA in that peer's --tls-ca; or that peer does not use TLS.");
        return true;
    }

    // "TLS handshake failed on channel [LOCAL->REMOTE](Id=...)"
    [GeneratedRegex(@"->(.+?)\]\(Id=")]
    private static partial Regex RemoteEnd();
}
