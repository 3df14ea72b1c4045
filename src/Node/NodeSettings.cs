using Akka.Configuration;

namespace Chorus.Node;

/// <summary>The chorus.node section of the configuration, read once. Defaults live in hocon/node.conf only.</summary>
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
    TimeSpan StopGrace,
    TimeSpan DrainTimeout,
    TimeSpan ExitDrainTimeout,
    long MaxBufferedBytes,
    string? SpoolDirectory,
    long SpoolMaxBytes)
{
    public static NodeSettings From(Config config)
    {
        var c = config.GetConfig("chorus.node")
            ?? throw new InvalidOperationException("The chorus.node configuration section is missing (hocon/node.conf).");
        return new NodeSettings(
            MaxLineBytes: checked((int)c.GetByteSize("max-line-bytes")!.Value),
            ReadChunkBytes: checked((int)c.GetByteSize("read-chunk-bytes")!.Value),
            BatchMaxRecords: c.GetInt("batch-max-records"),
            BatchMaxBytes: checked((int)c.GetByteSize("batch-max-bytes")!.Value),
            BatchMaxDelay: c.GetTimeSpan("batch-max-delay"),
            MaxUnackedBatches: c.GetInt("max-unacked-batches"),
            ResendAfter: c.GetTimeSpan("resend-after"),
            HeartbeatInterval: c.GetTimeSpan("heartbeat-interval"),
            LinkTimeout: c.GetTimeSpan("link-timeout"),
            JoinBackoffMin: c.GetTimeSpan("join-backoff-min"),
            JoinBackoffMax: c.GetTimeSpan("join-backoff-max"),
            StopGrace: c.GetTimeSpan("stop-grace"),
            DrainTimeout: c.GetTimeSpan("drain-timeout"),
            ExitDrainTimeout: c.GetTimeSpan("exit-drain-timeout"),
            MaxBufferedBytes: c.GetByteSize("max-buffered-bytes")!.Value,
            SpoolDirectory: c.GetString("spool-dir") is { Length: > 0 } spool ? spool : null,
            SpoolMaxBytes: c.GetByteSize("spool-max-bytes")!.Value);
    }
}
