namespace Chorus.Hosting;

/// <summary>
/// Plain status lines for the person running the program ("joined", "retrying"), on stderr so stdout
/// carries only the merged stream. Akka's own log is kept at warnings; these are the few lines people read.
/// </summary>
public static class Notice
{
    /// <summary>Escaped (<see cref="PrintableText"/>): a notice may quote what a peer sent, such as an aggregator's reason.</summary>
    public static void Write(string message) => Console.Error.WriteLine($"chorus: {PrintableText.Escape(message)}");
}
