using Akka.Configuration;
using Chorus.Aggregator.Ingest;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>The shipped defaults, with chosen keys overridden for a test.</summary>
public static class TestSettings
{
    public static AggregatorSettings Aggregator(string overrides = "") =>
        AggregatorSettings.From(ConfigurationFactory.ParseString(overrides).WithFallback(HoconFiles.Load("aggregator.conf")));

    /// <summary>Flow control no sink reports to: nothing is ever pending, so the ingest never holds a node back.</summary>
    public static PendingOutput NothingPending() => new(1, 1);
}
