using System.Runtime.Serialization;
using System.Text;
using Akka.Serialization;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Serialization;

namespace Chorus.Messages.Tests.Serialization;

public sealed class ChorusSerializerTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("wire.conf"))
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, 123, 456, DateTimeKind.Utc);

    public static TheoryData<IChorusMessage> SmallMessages() =>
    [
        new JoinRequest("web-1", 42, 7, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"),
        new JoinRequest("web-1", 42, 7, Token: "s3cret ünï", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"),
        new JoinRequest("web-1", 42, 7, "t", T0, Nonce: "FEDCBA9876543210FEDCBA9876543210", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"),
        new JoinAccepted(-9, 1, SessionKey: "", Nonce: ""),
        new JoinAccepted(-9, 1, SessionKey: "0123456789ABCDEF0123456789ABCDEF", Nonce: ""),
        new JoinAccepted(-9, 1, "key", Nonce: "nonce"),
        new JoinAccepted(-9, 1, "key", Nonce: "nonce", SentAt: T0),
        new JoinAccepted(-9, 1, "key", Nonce: "nonce", SentAt: T0, Grant: 32),
        new JoinRefused("the token is wrong", Nonce: ""),
        new JoinRefused("the token is wrong", Nonce: "nonce"),
        new ResendFrom(7, 11, SessionKey: "key"),
        new ResendFrom(long.MinValue, 1, SessionKey: ""),
        new ResendFrom(7, 11, SessionKey: "key", Grant: 0),
        new TimesRefused(7, "its times lie 30 days from the aggregator's clock", SessionKey: "key"),
        new Heartbeat("ünïcode-node", long.MaxValue, 12, T0, SessionKey: ""),
        new Heartbeat("n", 1, 12, T0, SessionKey: "key"),
        new BatchAck(3, 0, SessionKey: ""),
        new BatchAck(3, 9, SessionKey: "key"),
        new BatchAck(3, 9, SessionKey: "key", Grant: 0),
        new BatchAck(3, 9, SessionKey: "key", Grant: int.MaxValue),
        new NodeLeaving("a", 1, SessionKey: ""),
        new ClockProbe(T0, SessionKey: ""),
        new ClockProbe(T0, SessionKey: "key"),
        new ClockReply("a", 1, "key", T0, T0.AddSeconds(5), T0.AddSeconds(5).AddTicks(3)),
        new NodeLeaving("a", 1, SessionKey: "key"),
        new SpoolReport("a", 1, 123_456_789, SessionKey: "key"),
    ];

    [Theory]
    [MemberData(nameof(SmallMessages))]
    public void Every_small_message_round_trips_through_the_bound_serializer(IChorusMessage message)
    {
        Assert.Equal(message, RoundTrip(message));
    }

    [Fact]
    public void A_join_carries_the_nodes_labels()
    {
        var join = new JoinRequest("web-1", 42, 7, "t", T0, "N", WireVersion.Current, "0.1.0+test",
            new Dictionary<string, string> { ["tier"] = "backend", ["zone"] = "eu-1a" });

        var back = Assert.IsType<JoinRequest>(RoundTrip(join));

        Assert.Equal(join with { Labels = back.Labels }, back);
        Assert.Equal(join.Labels.OrderBy(l => l.Key), back.Labels.OrderBy(l => l.Key));
    }

    [Fact]
    public void A_join_without_labels_reads_back_with_none()
    {
        var back = Assert.IsType<JoinRequest>(RoundTrip(new JoinRequest("web-1", 42, 7, "t", T0, "N", WireVersion.Current, "0.1.0+test")));

        Assert.Empty(back.Labels);
    }

    [Fact]
    public void A_batch_round_trips_lines_and_every_kind_of_event()
    {
        NodeRecord[] records =
        [
            NodeRecord.Started("web", 4242, T0),
            NodeRecord.Line("web", OutputStream.Stdout, 1, T0.AddTicks(1), Utf8("hello"), continued: false),
            NodeRecord.Line("web", OutputStream.Stderr, 2, T0.AddTicks(5), Utf8("ünïcode \0 \e[31mred\e[0m"), continued: true),
            NodeRecord.Line("worker", OutputStream.Stdout, 1, T0.AddSeconds(1), Utf8(""), continued: false),
            NodeRecord.Gap("worker", 120, "spool-full", T0.AddSeconds(2)),
            NodeRecord.Gap(null, 3, "unknown", T0.AddSeconds(2)),
            NodeRecord.Exited("web", 0, null, T0.AddSeconds(3)),
            NodeRecord.Exited("worker", null, 9, T0.AddSeconds(3)),
            NodeRecord.Waiting("api", "db@n1 ready, cache started", T0.AddSeconds(3)),
            NodeRecord.Ready("web", T0.AddSeconds(3)),
            NodeRecord.Restarting("worker", 3, 4000, T0.AddSeconds(3)),
            NodeRecord.GivenUp("worker", "6 restarts within 60 s (max-restarts = 5)", T0.AddSeconds(3)),
            NodeRecord.Scaled("web", 4, T0.AddSeconds(3)),
        ];
        var batch = new LineBatch("node-a", 77, 5, T0.AddSeconds(4), records, SessionKey: "session");

        var back = Assert.IsType<LineBatch>(RoundTrip(batch));

        Assert.Equal((batch.Node, batch.Incarnation, batch.Seq, batch.Watermark, batch.SessionKey), (back.Node, back.Incarnation, back.Seq, back.Watermark, back.SessionKey));
        Assert.Equal(records.Length, back.Records.Count);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Equal(records[i] with { Text = default }, back.Records[i] with { Text = default });
            Assert.Equal(records[i].Text.ToArray(), back.Records[i].Text.ToArray());
        }
    }

    // The node's spool stores a batch as the serializer wrote it, unnumbered, and sends it later under a number and key.
    [Fact]
    public void A_stored_batch_sent_as_its_stored_bytes_is_byte_for_byte_the_batch_encoded_anew()
    {
        NodeRecord[] records =
        [
            NodeRecord.Started("web", 4242, T0),
            NodeRecord.Line("web", OutputStream.Stdout, 1, T0.AddTicks(1), Utf8("hello"), continued: false),
            NodeRecord.Line("worker", OutputStream.Stderr, 1, T0.AddSeconds(1), Utf8("ünïcode"), continued: true, afterExit: true),
            NodeRecord.Gap("worker", 120, "spool-full", T0.AddSeconds(2)),
            NodeRecord.Exited("web", 0, null, T0.AddSeconds(3)),
        ];
        var unsent = LineBatch.Unsent("node-a", 0, T0.AddSeconds(4), records);
        var chorus = Assert.IsType<ChorusSerializer>(Serializer());

        var stored = chorus.FromStoredBatch(chorus.ToBinary(unsent));
        Assert.False(Assert.IsType<RecordBlock>(stored.Records).Encoded.IsEmpty);
        var sent = chorus.ToBinary(stored with { Node = "node-b", Incarnation = 77, Seq = 5, SessionKey = "session" });

        Assert.Equal(chorus.ToBinary(unsent with { Node = "node-b", Incarnation = 77, Seq = 5, SessionKey = "session" }), sent);
        var back = Assert.IsType<LineBatch>(chorus.FromBinary(sent, "B"));
        Assert.Equal(records.Select(r => r with { Text = default }), back.Records.Select(r => r with { Text = default }));
        Assert.Equal(records.Select(r => r.Text.ToArray()), back.Records.Select(r => r.Text.ToArray()));
    }

    [Fact]
    public void Stored_records_under_another_watermark_are_encoded_anew_and_keep_their_times()
    {
        NodeRecord[] records = [NodeRecord.Line("web", OutputStream.Stdout, 1, T0, Utf8("a"), false), NodeRecord.Line("web", OutputStream.Stdout, 2, T0.AddSeconds(1), Utf8("b"), false)];
        var chorus = Assert.IsType<ChorusSerializer>(Serializer());
        var stored = chorus.FromStoredBatch(chorus.ToBinary(LineBatch.Unsent("n", 0, T0.AddSeconds(1), records)));

        var moved = stored with { Watermark = T0.AddSeconds(9) };
        var back = Assert.IsType<LineBatch>(chorus.FromBinary(chorus.ToBinary(moved), "B"));

        Assert.Equal(T0.AddSeconds(9), back.Watermark);
        Assert.Equal([T0, T0.AddSeconds(1)], back.Records.Select(r => r.Timestamp));
    }

    [Fact]
    public void A_line_read_after_its_process_exited_keeps_its_mark_through_the_wire()
    {
        NodeRecord[] records =
        [
            NodeRecord.Line("svc", OutputStream.Stdout, 1, T0, Utf8("first"), continued: false),
            NodeRecord.Exited("svc", 0, null, T0.AddTicks(1)),
            NodeRecord.Line("svc", OutputStream.Stdout, 2, T0.AddSeconds(3), Utf8("late"), continued: false, afterExit: true),
            NodeRecord.Line("svc", OutputStream.Stderr, 3, T0.AddSeconds(3), Utf8("piece"), continued: true, afterExit: true),
        ];

        var back = Assert.IsType<LineBatch>(RoundTrip(new LineBatch("node-a", 1, 1, T0, records, SessionKey: "")));

        Assert.Equal([false, false, true, true], back.Records.Select(r => r.AfterExit));
        Assert.Equal([false, false, false, true], back.Records.Select(r => r.Continued));
        Assert.Equal([OutputStream.Stdout, OutputStream.Stdout, OutputStream.Stdout, OutputStream.Stderr], back.Records.Select(r => r.Stream));
    }

    [Fact]
    public void A_full_batch_fits_in_one_remoting_frame()
    {
        // 32 KiB of text is the batch cut; one 64 KiB line piece is the largest single record.
        var line = new string('x', 80);
        var records = Enumerable.Range(1, 400).Select(i => NodeRecord.Line("p", OutputStream.Stdout, i, T0, Utf8(line), false)).ToArray();
        var single = new[] { NodeRecord.Line("p", OutputStream.Stdout, 1, T0, new byte[65536], true) };

        Assert.InRange(Serializer().ToBinary(new LineBatch("n", 1, 1, T0, records, SessionKey: "")).Length, 1, 128_000);
        Assert.InRange(Serializer().ToBinary(new LineBatch("n", 1, 1, T0, single, SessionKey: "")).Length, 1, 128_000);
    }

    [Fact]
    public void A_truncated_batch_is_refused_with_a_serialization_error()
    {
        var bytes = Serializer().ToBinary(new LineBatch("n", 1, 1, T0, [NodeRecord.Line("p", OutputStream.Stdout, 1, T0, Utf8("hello"), false)], SessionKey: ""));
        for (var length = 0; length < bytes.Length; length++)
            Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes[..length], "B"));
    }

    [Fact]
    public void Invalid_utf8_in_a_line_is_refused()
    {
        var bytes = Serializer().ToBinary(new LineBatch("n", 1, 1, T0, [NodeRecord.Line("p", OutputStream.Stdout, 1, T0, Utf8("hello"), false)], SessionKey: ""));
        bytes[^1] = 0xFF;
        Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes, "B"));
    }

    [Theory]
    [InlineData(RecordKind.NodeUp)]
    [InlineData(RecordKind.NodeDown)]
    public void A_forged_batch_holding_a_record_only_the_aggregator_makes_is_refused(RecordKind kind)
    {
        // A real batch whose one record, a gap, ends the frame: kind, process, time delta, count, reason.
        var bytes = Serializer().ToBinary(new LineBatch("n", 1, 1, T0, [NodeRecord.Gap(null, 0, "", T0)], SessionKey: "key"));
        Assert.Equal([(byte)RecordKind.Gap, 0, 0, 0, 0], bytes[^5..]);

        bytes[^5] = (byte)kind;

        var refused = Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes, "B"));
        Assert.Contains("not sent by nodes", refused.Message);
    }

    [Fact]
    public void A_node_cannot_put_a_record_only_the_aggregator_makes_into_a_batch()
    {
        var batch = new LineBatch("n", 1, 1, T0, [NodeRecord.NodeUp(T0, "0.1.0")], SessionKey: "");

        Assert.Throws<InvalidOperationException>(() => Serializer().ToBinary(batch));
    }

    [Fact]
    public void A_join_starts_with_its_wire_version_then_its_nonce_then_its_chorus_version()
    {
        var bytes = Serializer().ToBinary(new JoinRequest("web-1", 42, 7, "t", T0, "N", WireVersion: 5, ChorusVersion: "9.9"));

        // varint 5; "N" (length 1); "9.9" (length 3): the start every wire version keeps.
        Assert.Equal([5, 1, (byte)'N', 3, (byte)'9', (byte)'.', (byte)'9'], bytes[..7]);
    }

    [Fact]
    public void A_join_of_another_wire_version_is_read_as_far_as_its_nonce_and_chorus_version()
    {
        // What a later version might send: the start every version keeps, then a layout this build cannot read.
        var later = new JoinRequest("web-1", 42, 7, "t", T0, "NONCE", WireVersion.Current + 1, ChorusVersion: "9.0.0+later");
        byte[] bytes = [.. Serializer().ToBinary(later), 0xFF, 0xFF, 0xFF];

        var unreadable = Assert.IsType<UnreadableJoin>(Serializer().FromBinary(bytes, "J"));

        Assert.Equal(new UnreadableJoin(WireVersion.Current + 1, "NONCE", "9.0.0+later"), unreadable);
    }

    [Fact]
    public void A_refusal_keeps_the_layout_every_wire_version_reads()
    {
        var bytes = Serializer().ToBinary(new JoinRefused("why", "N"));

        Assert.Equal([3, (byte)'w', (byte)'h', (byte)'y', 1, (byte)'N'], bytes);
    }

    [Fact]
    public void A_negative_send_window_grant_is_refused()
    {
        var bytes = Serializer().ToBinary(new BatchAck(3, 9, "key", Grant: 1));
        bytes.AsSpan()[^4..].Fill(0xFF); // the grant's four bytes: -1

        Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes, "A"));
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        Assert.Throws<SerializationException>(() => Serializer().FromBinary([1, 2, 3], "Z"));
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_a_serialization_error()
    {
        var random = new Random(20261125);
        var manifests = new[] { "B", "A", "H", "J", "JA", "JR", "L", "CP", "CR", "RF", "TR" };
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            try
            {
                Serializer().FromBinary(bytes, manifests[i % manifests.Length]);
            }
            catch (SerializationException)
            {
            }
        }
    }

    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    private SerializerWithStringManifest Serializer() =>
        Assert.IsType<ChorusSerializer>(Sys.Serialization.FindSerializerForType(typeof(LineBatch)));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
