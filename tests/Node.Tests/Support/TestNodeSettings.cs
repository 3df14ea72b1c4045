using Akka.Configuration;
using Chorus.Hosting;

namespace Chorus.Node.Tests.Support;

/// <summary>The shipped node defaults, with chosen keys overridden for a test.</summary>
public static class TestNodeSettings
{
    public static NodeSettings With(string overrides = "") =>
        NodeSettings.From(ConfigurationFactory.ParseString(overrides).WithFallback(HoconFiles.Load("node.conf")));
}
