using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>
/// A size in bytes from the command line, in HOCON's notation ("64MiB", "512KiB", "10MB", plain bytes), so a
/// flag accepts exactly what the key it overrides accepts in hocon/*.conf.
/// </summary>
public static class ByteSize
{
    /// <summary>
    /// The number of bytes <paramref name="text"/> means. Zero is refused unless <paramref name="zeroMeans"/>
    /// says what it does (e.g. "means no spool").
    /// </summary>
    public static long Parse(string text, string flag, string? zeroMeans = null)
    {
        var example = $"Give a size such as {flag} 64MiB, {flag} 512KiB or {flag} 1048576 (bytes)" +
                      (zeroMeans is null ? "." : $"; {flag} 0 {zeroMeans}.");
        long? bytes;
        try
        {
            // Quoted, so the text is read as one value and can never add HOCON of its own.
            bytes = ConfigurationFactory.ParseString($"size = {HoconFiles.Quote(text)}").GetByteSize("size");
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"{flag} \"{text}\" is not a size. {example}");
        }
        if (bytes is null)
            throw new UsageException($"{flag} is empty. {example}");
        if (bytes < 0 || (bytes == 0 && zeroMeans is null))
            throw new UsageException($"{flag} \"{text}\" must be {(zeroMeans is null ? "more than zero" : "zero or more")}. {example}");
        return bytes.Value;
    }
}
