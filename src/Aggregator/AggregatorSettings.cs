using Akka.Configuration;

namespace Chorus.Aggregator;

/// <summary>The chorus.aggregator section of the configuration, read once. Defaults live in hocon/aggregator.conf only.</summary>
public sealed record AggregatorSettings(
    TimeSpan ReorderWindow,
    TimeSpan ReleaseInterval,
    TimeSpan NodeTimeout,
    TimeSpan ClockProbeInterval,
    int BacklogCapacity,
    int ClientBuffer,
    TimeSpan GrepTimeout,
    TimeSpan WebSocketKeepAlive,
    TimeSpan EventsKeepAlive,
    string? ArchivePath)
{
    public static AggregatorSettings From(Config config)
    {
        var c = config.GetConfig("chorus.aggregator")
            ?? throw new InvalidOperationException("The chorus.aggregator configuration section is missing (hocon/aggregator.conf).");
        return new AggregatorSettings(
            ReorderWindow: c.GetTimeSpan("reorder-window"),
            ReleaseInterval: c.GetTimeSpan("release-interval"),
            NodeTimeout: c.GetTimeSpan("node-timeout"),
            ClockProbeInterval: c.GetTimeSpan("clock-probe-interval"),
            BacklogCapacity: c.GetInt("backlog-capacity"),
            ClientBuffer: c.GetInt("client-buffer"),
            GrepTimeout: c.GetTimeSpan("grep-timeout"),
            WebSocketKeepAlive: c.GetTimeSpan("websocket.keep-alive-interval"),
            EventsKeepAlive: c.GetTimeSpan("events.keep-alive-interval"),
            ArchivePath: c.GetString("archive") is { Length: > 0 } archive ? archive : null);
    }
}
