namespace Chorus.Hosting;

/// <summary>
/// The one voice on stderr, for our own lines and Akka's alike: "chorus: error: ...", "chorus: warning: ...",
/// "chorus: ..." for a notice (README, "What Chorus says on stderr", gives the rubric). stdout carries only
/// the merged stream. Every line is escaped (<see cref="PrintableText"/>): it may quote what a peer sent, such
/// as a node's name or an aggregator's reason.
/// </summary>
public static class Notice
{
    /// <summary>Something a person should see once: where to connect, joined, stopping.</summary>
    public static void Write(string message) => Write(NoticeLevel.Notice, message);

    /// <summary>Something went wrong or is unsafe, and nothing was lost: reconnecting, listening without TLS.</summary>
    public static void Warning(string message) => Write(NoticeLevel.Warning, message);

    /// <summary>Lines were lost or refused, or a person must act (a bad flag, a refused peer).</summary>
    public static void Error(string message) => Write(NoticeLevel.Error, message);

    public static void Write(NoticeLevel level, string message) => Console.Error.WriteLine(Line(level, message));

    /// <summary>The line as printed, without its newline.</summary>
    public static string Line(NoticeLevel level, string message) => level switch
    {
        NoticeLevel.Error => $"chorus: error: {PrintableText.Escape(message)}",
        NoticeLevel.Warning => $"chorus: warning: {PrintableText.Escape(message)}",
        NoticeLevel.Debug => $"chorus: debug: {PrintableText.Escape(message)}",
        _ => $"chorus: {PrintableText.Escape(message)}",
    };
}
