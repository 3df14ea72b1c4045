using Chorus.Hosting;
using Chorus.Messages;

namespace Chorus.Node;

/// <summary>
/// The wire version chorus-node puts on its joins: <see cref="WireVersion.Current"/>, unless the test-only
/// CHORUS_TEST_WIRE_VERSION sets another (README), which lets a test prove how an aggregator refuses a node it cannot read.
/// </summary>
public static class NodeWireVersion
{
    public const string TestVariable = "CHORUS_TEST_WIRE_VERSION";

    public static int FromEnvironment() => Environment.GetEnvironmentVariable(TestVariable) switch
    {
        null or "" => WireVersion.Current,
        var text when int.TryParse(text, out var version) && version >= 0 => version,
        var text => throw new UsageException($"{TestVariable}=\"{text}\" is not a wire version. Unset it: it exists for tests only."),
    };
}
