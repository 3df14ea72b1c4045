using Akka.Configuration;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>The shipped defaults, with chosen keys overridden for a test.</summary>
public static class TestSettings
{
    public static AggregatorSettings Aggregator(string overrides = "") =>
        AggregatorSettings.From(ConfigurationFactory.ParseString(overrides).WithFallback(HoconFiles.Load("aggregator.conf")));
}
