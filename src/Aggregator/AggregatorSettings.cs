using Akka.Configuration;
using Chorus.Aggregator.Formatting;
using Chorus.Hosting;

namespace Chorus.Aggregator;

/// <summary>The chorus.aggregator section of the configuration, read once. Defaults live in hocon/aggregator.conf only.</summary>
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
    long ClientBufferBytes,
    TimeSpan ForgetDownNodeAfter,
    TimeSpan MaxClockDistance,
    TimeSpan DropLogInterval)
{
    /// <summary>The values chorus.aggregator.format and --format take: the names of <see cref="OutputFormat"/>, in lower case.</summary>
    public static readonly string[] Formats = Enum.GetNames<OutputFormat>().Select(name => name.ToLowerInvariant()).ToArray();

    public static AggregatorSettings From(Config config)
    {
        var c = config.GetConfig("chorus.aggregator")
            ?? throw new InvalidOperationException("The chorus.aggregator configuration section is missing (hocon/aggregator.conf).");
        return new AggregatorSettings(
            Listen: HostPort.Parse(c.GetString("listen"), "--listen"),
            Http: HostPort.Parse(c.GetString("http"), "--http"),
            Format: FormatOf(c.GetString("format")),
            ShutdownFlushTimeout: Positive(c, "shutdown.flush-timeout", key => c.GetTimeSpan(key)),
            ShutdownHttpTimeout: Positive(c, "shutdown.http-timeout", key => c.GetTimeSpan(key)),
            ReorderWindow: c.GetTimeSpan("reorder-window"),
            ReleaseInterval: c.GetTimeSpan("release-interval"),
            NodeTimeout: c.GetTimeSpan("node-timeout"),
            ClockProbeInterval: c.GetTimeSpan("clock-probe-interval"),
            BacklogCapacity: c.GetInt("backlog-capacity"),
            ClientBuffer: c.GetInt("client-buffer"),
            GrepTimeout: c.GetTimeSpan("grep-timeout"),
            WebSocketKeepAlive: c.GetTimeSpan("websocket.keep-alive-interval"),
            WebSocketKeepAliveTimeout: Positive(c, "websocket.keep-alive-timeout", key => c.GetTimeSpan(key)),
            EventsKeepAlive: c.GetTimeSpan("events.keep-alive-interval"),
            HttpMaxConnections: Positive(c, "http-limits.max-connections", key => c.GetInt(key)),
            MaxNodes: Positive(c, "max-nodes", key => c.GetInt(key)),
            HttpRequestHeadersTimeout: Positive(c, "http-limits.request-headers-timeout", key => c.GetTimeSpan(key)),
            HttpKeepAliveTimeout: Positive(c, "http-limits.keep-alive-timeout", key => c.GetTimeSpan(key)),
            ArchivePath: c.GetString("archive") is { Length: > 0 } archive ? archive : null,
            MaxPendingRecords: Positive(c, "max-pending-records", key => c.GetLong(key)),
            MaxPendingBytes: Positive(c, "max-pending-bytes", key => c.GetByteSize(key) ?? 0),
            ClientBufferBytes: Positive(c, "client-buffer-bytes", key => c.GetByteSize(key) ?? 0),
            ForgetDownNodeAfter: Positive(c, "forget-down-node-after", key => c.GetTimeSpan(key)),
            MaxClockDistance: Positive(c, "max-clock-distance", key => c.GetTimeSpan(key)),
            DropLogInterval: Positive(c, "drop-log-interval", key => c.GetTimeSpan(key)));
    }

    // --format accepts only these already; a value from --config FILE must not silently become text.
    private static OutputFormat FormatOf(string value) =>
        Formats.Contains(value) ? Enum.Parse<OutputFormat>(value, ignoreCase: true)
        : throw new UsageException($"chorus.aggregator.format = \"{value}\" is not a format. Give {string.Join(" or ", Formats)} " +
                                   "(text for people, json for programs), in --config FILE or with --format.");

    // Zero or negative limits make no sense (Kestrel refuses them with a stack trace); say which key and what to do instead.
    private static T Positive<T>(Config c, string key, Func<string, T> get) where T : IComparable<T> =>
        get(key) is var value && value.CompareTo(default!) > 0 ? value
        : throw new UsageException($"chorus.aggregator.{key} = {c.GetString(key)} must be more than zero. Give a larger value in --config FILE, or leave the key out for the shipped default (hocon/aggregator.conf).");
}
