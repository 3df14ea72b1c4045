using Akka.Configuration;
using Chorus.Hosting;

namespace Chorus.Node;

/// <summary>
/// The chorus.node section of the configuration, read once and checked: a value out of range is a
/// <see cref="UsageException"/> that names the key. Defaults live in hocon/node.conf only.
/// </summary>
public sealed record NodeSettings(
    int MaxLineBytes,
    int ReadChunkBytes,
    int BatchMaxRecords,
    int BatchMaxBytes,
    TimeSpan BatchMaxDelay,
    int MaxUnackedBatches,
    TimeSpan ResendAfter,
    TimeSpan HeartbeatInterval,
    TimeSpan LinkTimeout,
    TimeSpan JoinBackoffMin,
    TimeSpan JoinBackoffMax,
    int JoinAnswersRemembered,
    TimeSpan StopGrace,
    TimeSpan DrainTimeout,
    TimeSpan ExitDrainTimeout,
    TimeSpan GroupCheckInterval,
    TimeSpan KillWait,
    TimeSpan PipePollInterval,
    long MaxBufferedBytes,
    string? SpoolDirectory,
    long SpoolMaxBytes)
{
    private const string Section = "chorus.node";

    public static NodeSettings From(Config config)
    {
        var c = config.GetConfig(Section)
            ?? throw new InvalidOperationException($"The {Section} configuration section is missing (hocon/node.conf).");
        var settings = new NodeSettings(
            MaxLineBytes: Bytes(c, "max-line-bytes", smallest: Processes.LineFramer.SmallestLimit, largest: int.MaxValue),
            ReadChunkBytes: Bytes(c, "read-chunk-bytes", smallest: 1, largest: int.MaxValue),
            BatchMaxRecords: Count(c, "batch-max-records"),
            BatchMaxBytes: Bytes(c, "batch-max-bytes", smallest: 1, largest: int.MaxValue),
            BatchMaxDelay: Duration(c, "batch-max-delay"),
            MaxUnackedBatches: Count(c, "max-unacked-batches"),
            ResendAfter: Duration(c, "resend-after"),
            HeartbeatInterval: Duration(c, "heartbeat-interval"),
            LinkTimeout: Duration(c, "link-timeout"),
            JoinBackoffMin: Duration(c, "join-backoff-min"),
            JoinBackoffMax: Duration(c, "join-backoff-max"),
            JoinAnswersRemembered: Count(c, "join-answers-remembered"),
            StopGrace: Duration(c, "stop-grace", zeroAllowed: true),
            DrainTimeout: Duration(c, "drain-timeout", zeroAllowed: true),
            ExitDrainTimeout: Duration(c, "exit-drain-timeout", zeroAllowed: true),
            GroupCheckInterval: Duration(c, "group-check-interval"),
            KillWait: Duration(c, "kill-wait", zeroAllowed: true),
            PipePollInterval: Duration(c, "pipe-poll-interval"),
            MaxBufferedBytes: Bytes(c, "max-buffered-bytes", smallest: 1, largest: long.MaxValue),
            SpoolDirectory: c.GetString("spool-dir") is { Length: > 0 } spool ? spool : null,
            SpoolMaxBytes: Bytes(c, "spool-max-bytes", smallest: 0, largest: long.MaxValue));
        if (settings.JoinBackoffMax < settings.JoinBackoffMin)
            throw Invalid("join-backoff-max", $"{settings.JoinBackoffMax.TotalSeconds:0.###} s is shorter than join-backoff-min");
        return settings;
    }

    private static TimeSpan Duration(Config c, string key, bool zeroAllowed = false)
    {
        var value = Read(key, () => c.GetTimeSpan(key, null, allowInfinite: false));
        // A negative one the HOCON parser already refuses.
        return zeroAllowed || value > TimeSpan.Zero ? value : throw Invalid(key, "a duration must be longer than 0");
    }

    private static int Count(Config c, string key)
    {
        var value = Read(key, () => c.GetInt(key));
        return value >= 1 ? value : throw Invalid(key, $"{value} is not a count of at least 1");
    }

    private static int Bytes(Config c, string key, int smallest, int largest) => (int)Bytes(c, key, smallest, (long)largest);

    private static long Bytes(Config c, string key, long smallest, long largest)
    {
        var value = Read(key, () => c.GetByteSize(key)) ?? throw Invalid(key, "a size is required");
        return value >= smallest && value <= largest ? value : throw Invalid(key, $"{value} bytes is outside {smallest} to {largest}");
    }

    private static T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException or ArgumentException)
        {
            throw Invalid(key, e.Message);
        }
    }

    private static UsageException Invalid(string key, string why) =>
        new($"{Section}.{key}: {why}. See hocon/node.conf for what it means and its default.");
}
