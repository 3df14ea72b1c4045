using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The spool's codec needs the Chorus wire format: without it a batch stored could never be read back.</summary>
public sealed class BatchCodecTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void A_system_without_the_chorus_wire_format_is_refused_when_the_codec_is_made_before_any_batch_is_stored()
    {
        // This test's system has Akka's defaults only: LineBatch falls to the general JSON serializer.
        var refused = Assert.Throws<InvalidOperationException>(() => new BatchCodec(Sys));

        Assert.Contains("not ChorusSerializer", refused.Message);
        Assert.Contains("hocon/wire.conf", refused.Message);
    }
}
