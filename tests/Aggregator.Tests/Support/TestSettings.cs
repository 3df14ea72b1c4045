using Akka.Configuration;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>The shipped defaults, with chosen keys overridden for a test.</summary>
public static class TestSettings
{
    public static AggregatorSettings Aggregator(string overrides = "") =>
        AggregatorSettings.From(ConfigurationFactory.ParseString(overrides).WithFallback(HoconFiles.Load("aggregator.conf")));

    /// <summary>A backlog no sink reports to: nothing is ever held, so the ingest never holds a node back.</summary>
    public static OutputBacklog NoBacklog() => new(1, 1);
}
