using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Node.Tests.Support;
using Chorus.Node.Uplink;

namespace Chorus.Node.Tests.Uplink;

/// <summary>The uplink's data path with a real spool on disk.</summary>
public sealed class OutboxSpoolTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly DateTime At = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _spool = Directory.CreateTempSubdirectory("chorus-outbox-spool-").FullName;

    // The spool reads batches back with the Chorus wire format, as the node does.
    public OutboxSpoolTests() : base(HoconFiles.Load("wire.conf")) { }

    // Each send while the spool is in use writes the spool's state first: one write for a group of batches, not one each.
    [Fact]
    public void While_the_spool_is_in_use_the_window_is_refilled_a_quarter_at_a_time()
    {
        // Batches of 10,000 bytes: about twelve fit in memory, the rest are spooled; the window holds eight.
        var settings = TestNodeSettings.With($"chorus.node {{ spool-dir = \"{_spool}\", max-buffered-bytes = 120000, max-unacked-batches = 8 }}");
        using var outbox = new Outbox("node-a", 7, settings, Overflow.Open("node-a", settings, Sys));
        for (var i = 1; i <= 20; i++)
        {
            outbox.Add(NodeRecord.Line("web", OutputStream.Stdout, i, At, new byte[10_000], false, false));
            Assert.True(outbox.Cut(At));
        }
        Assert.True(outbox.SpooledBytes > 0);

        Assert.Equal(Enumerable.Range(1, 8).Select(n => (long)n), outbox.TakeSendable(joined: true).Select(b => b.Seq));
        outbox.Acknowledge(1);
        Assert.Empty(outbox.TakeSendable(joined: true));
        outbox.Acknowledge(2);
        Assert.Equal([9L, 10], outbox.TakeSendable(joined: true).Select(b => b.Seq));
    }

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_spool, recursive: true);
    }
}
