using Akka.Configuration;
using Chorus.Aggregator.Formatting;
using Chorus.Hosting;

namespace Chorus.Aggregator;

/// <summary>
/// The chorus.aggregator section of the configuration, read once and checked (<see cref="SettingsSection"/>: a value
/// out of range is a usage error that names its key). Defaults live in hocon/aggregator.conf only.
/// </summary>
public sealed record AggregatorSettings(
    HostPort Listen,
    HostPort Http,
    OutputFormat Format,
    TimeSpan ShutdownFlushTimeout,
    TimeSpan ShutdownHttpTimeout,
    TimeSpan ReorderWindow,
    TimeSpan ReleaseInterval,
    TimeSpan NodeTimeout,
    TimeSpan ClockProbeInterval,
    TimeSpan ClockProbeIntervalIdle,
    TimeSpan ProgressRequestInterval,
    int BacklogCapacity,
    int ClientBuffer,
    TimeSpan GrepTimeout,
    TimeSpan WebSocketKeepAlive,
    TimeSpan WebSocketKeepAliveTimeout,
    TimeSpan EventsKeepAlive,
    int HttpMaxConnections,
    int MaxNodes,
    TimeSpan HttpRequestHeadersTimeout,
    TimeSpan HttpKeepAliveTimeout,
    string? ArchivePath,
    long MaxPendingRecords,
    long MaxPendingBytes,
    int SendWindowTotal,
    long ClientBufferBytes,
    TimeSpan ForgetDownNodeAfter,
    TimeSpan MaxClockDistance,
    TimeSpan DropLogInterval,
    TimeSpan ControlTimeout)
{
    /// <summary>The values chorus.aggregator.format and --format take: the names of <see cref="OutputFormat"/>, in lower case.</summary>
    public static readonly string[] Formats = Enum.GetNames<OutputFormat>().Select(name => name.ToLowerInvariant()).ToArray();

    public static AggregatorSettings From(Config config)
    {
        var c = new SettingsSection(config, "chorus.aggregator", "aggregator.conf");
        var settings = new AggregatorSettings(
            Listen: HostPort.Parse(c.Text("listen"), "--listen"),
            Http: HostPort.Parse(c.Text("http"), "--http"),
            Format: FormatOf(c.Text("format")),
            ShutdownFlushTimeout: c.Duration("shutdown.flush-timeout"),
            ShutdownHttpTimeout: c.Duration("shutdown.http-timeout"),
            ReorderWindow: c.Duration("reorder-window", zeroAllowed: true),
            ReleaseInterval: c.Duration("release-interval"),
            NodeTimeout: c.Duration("node-timeout"),
            ClockProbeInterval: c.Duration("clock-probe-interval"),
            ClockProbeIntervalIdle: c.Duration("clock-probe-interval-idle"),
            ProgressRequestInterval: c.Duration("progress-request-interval"),
            BacklogCapacity: c.Count("backlog-capacity"),
            ClientBuffer: c.Count("client-buffer"),
            GrepTimeout: c.Duration("grep-timeout"),
            WebSocketKeepAlive: c.Duration("websocket.keep-alive-interval", zeroAllowed: true),
            WebSocketKeepAliveTimeout: c.Duration("websocket.keep-alive-timeout"),
            EventsKeepAlive: c.Duration("events.keep-alive-interval"),
            HttpMaxConnections: c.Count("http-limits.max-connections"),
            MaxNodes: c.Count("max-nodes"),
            HttpRequestHeadersTimeout: c.Duration("http-limits.request-headers-timeout"),
            HttpKeepAliveTimeout: c.Duration("http-limits.keep-alive-timeout"),
            ArchivePath: c.Text("archive") is { Length: > 0 } archive ? archive : null,
            MaxPendingRecords: c.Count("max-pending-records", largest: long.MaxValue),
            MaxPendingBytes: c.Bytes("max-pending-bytes", smallest: 1, largest: long.MaxValue),
            SendWindowTotal: c.Count("send-window-total"),
            ClientBufferBytes: c.Bytes("client-buffer-bytes", smallest: 1, largest: long.MaxValue),
            ForgetDownNodeAfter: c.Duration("forget-down-node-after"),
            MaxClockDistance: c.Duration("max-clock-distance"),
            DropLogInterval: c.Duration("drop-log-interval"),
            ControlTimeout: c.Duration("control-timeout"));
        // A quiet node is never probed more often than a busy one: stretching clock-probe-interval past the idle
        // default (a test, or a fleet that wants few probes) stretches both.
        return settings.ClockProbeIntervalIdle < settings.ClockProbeInterval
            ? settings with { ClockProbeIntervalIdle = settings.ClockProbeInterval }
            : settings;
    }

    // --format accepts only these already; a value from --config FILE must not silently become text.
    private static OutputFormat FormatOf(string value) =>
        Formats.Contains(value) ? Enum.Parse<OutputFormat>(value, ignoreCase: true)
        : throw new UsageException($"chorus.aggregator.format = \"{value}\" is not a format. Give {string.Join(" or ", Formats)} " +
                                   "(text for people, json for programs), in --config FILE or with --format.");
}
