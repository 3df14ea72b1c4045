namespace Chorus.Hosting;

/// <summary>
/// Plain status lines for the person running the program ("joined", "retrying"), on stderr so stdout
/// carries only the merged stream. Akka's own log is kept at warnings; these are the few lines people read.
/// </summary>
public static class Notice
{
    public static void Write(string message) => Console.Error.WriteLine($"chorus: {message}");
}
