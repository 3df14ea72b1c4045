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
    TimeSpan HeartbeatIntervalIdle,
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
    long SpoolMaxBytes,
    ExitOn ExitOn,
    TimeSpan DependencyWait,
    TimeSpan WaitForJoin)
{
    public static NodeSettings From(Config config)
    {
        var c = new SettingsSection(config, "chorus.node", "node.conf");
        var settings = new NodeSettings(
            MaxLineBytes: c.Bytes("max-line-bytes", smallest: Processes.LineFramer.SmallestLimit, largest: int.MaxValue),
            ReadChunkBytes: c.Bytes("read-chunk-bytes", smallest: 1, largest: int.MaxValue),
            BatchMaxRecords: c.Count("batch-max-records"),
            BatchMaxBytes: c.Bytes("batch-max-bytes", smallest: 1, largest: int.MaxValue),
            BatchMaxDelay: c.Duration("batch-max-delay"),
            MaxUnackedBatches: c.Count("max-unacked-batches"),
            ResendAfter: c.Duration("resend-after"),
            HeartbeatInterval: c.Duration("heartbeat-interval"),
            HeartbeatIntervalIdle: c.Duration("heartbeat-interval-idle"),
            LinkTimeout: c.Duration("link-timeout"),
            JoinBackoffMin: c.Duration("join-backoff-min"),
            JoinBackoffMax: c.Duration("join-backoff-max"),
            JoinAnswersRemembered: c.Count("join-answers-remembered"),
            StopGrace: c.Duration("stop-grace", zeroAllowed: true),
            DrainTimeout: c.Duration("drain-timeout", zeroAllowed: true),
            ExitDrainTimeout: c.Duration("exit-drain-timeout", zeroAllowed: true),
            GroupCheckInterval: c.Duration("group-check-interval"),
            KillWait: c.Duration("kill-wait", zeroAllowed: true),
            PipePollInterval: c.Duration("pipe-poll-interval"),
            MaxBufferedBytes: c.Bytes("max-buffered-bytes", smallest: 1, largest: long.MaxValue),
            SpoolDirectory: c.Text("spool-dir") is { Length: > 0 } spool ? spool : null,
            SpoolMaxBytes: c.Bytes("spool-max-bytes", smallest: 0, largest: long.MaxValue),
            ExitOn: ExitOnNames.TryParse(c.Text("exit-on"), out var exitOn)
                ? exitOn
                : throw c.Invalid("exit-on", $"\"{c.Text("exit-on")}\" is not a policy; use one of {ExitOnNames.Known}"),
            DependencyWait: c.Duration("dependency-wait"),
            WaitForJoin: c.Duration("wait-for-join", zeroAllowed: true));
        if (settings.JoinBackoffMax < settings.JoinBackoffMin)
            throw c.Invalid("join-backoff-max", $"{settings.JoinBackoffMax.TotalSeconds:0.###} s is shorter than join-backoff-min");
        // An idle node never heartbeats more often than a busy one: a configuration (or a test) that stretches
        // heartbeat-interval past the idle default stretches both.
        if (settings.HeartbeatIntervalIdle < settings.HeartbeatInterval) settings = settings with { HeartbeatIntervalIdle = settings.HeartbeatInterval };
        return settings;
    }
}
