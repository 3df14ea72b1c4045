using System.IO.Pipes;
using System.Text.Json;
using Akka.Actor;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tests.Support;
using Chorus.Hosting;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.FreshRecords;

namespace Chorus.Aggregator.Tests.Scenarios;

/// <summary>
/// Ingest, merge and the real stdout sink (<see cref="StdoutWriter"/>) writing into a real OS pipe that the test does not
/// read until it chooses to: the pipe fills, the sink blocks, pending output fills, the ingest holds the node
/// (the test actor) back. Then the reader either resumes (every line comes out once, in order) or goes away
/// (stdout closed: the sink skips, and the pipeline must still drain rather than wedge).
/// </summary>
public sealed class BackpressureThroughStdoutTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const int MaxRecords = 100;
    private const int PerBatch = 10;
    private const int Batches = 40;
    // Longer than a pipe holds (64 KiB on Linux): the sink's first write blocks before it has finished a
    // single line, however the merge cuts its chunks, so nothing is counted as written while stdout is unread.
    private static readonly string Text = new('x', 70_000);
    private readonly AnonymousPipeServerStream _stdout = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _reader;
    private readonly PendingOutput _pending = new(MaxRecords, maxBytes: 100_000_000);
    private IActorRef _ingest = ActorRefs.Nobody;
    private string _key = "";

    public BackpressureThroughStdoutTests() : base(HoconFiles.Load("aggregator.conf"))
    {
        _reader = new AnonymousPipeClientStream(PipeDirection.In, _stdout.ClientSafePipeHandle);
        IgnoreMessages<ClockProbe>();
    }

    [Fact]
    public async Task An_unread_stdout_holds_the_node_back_within_the_bound_and_once_read_every_line_comes_out_once_in_order()
    {
        await FloodWhileStdoutIsUnreadAsync();

        var reading = Task.Run(ReadAllLines);
        await ResendWhenToldAsync();
        await AwaitAssertAsync(() => Assert.Equal(0, _pending.Held.Records), TimeSpan.FromSeconds(10));
        _stdout.Dispose();

        var texts = (await reading).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "line").Select(r => r.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(PerBatch, Batches * PerBatch).Select(i => (long)i), texts);
    }

    [Fact]
    public async Task A_stdout_closed_while_full_still_drains_and_the_node_is_let_through_again()
    {
        await FloodWhileStdoutIsUnreadAsync();

        _reader.Dispose();

        await ResendWhenToldAsync();
        await AwaitAssertAsync(() => Assert.Equal(0, _pending.Held.Records), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Sends the whole run at once, like a node with a big window, and again (a resend) once the ingest has
    /// turned part of it away. What is held stays within one batch of the bound, and the node is not told
    /// that everything arrived.
    /// </summary>
    private async Task FloodWhileStdoutIsUnreadAsync()
    {
        var stdout = Sys.ActorOf(SinkActor.Props(new StdoutWriter(_stdout, new JsonFormatter()), _pending.AddSink("stdout"), "chorus.stdout-dispatcher"));
        var settings = TestSettings.Aggregator();
        var merge = Sys.ActorOf(MergeActor.Props([stdout], settings));
        _ingest = Sys.ActorOf(IngestActor.Props(IngestOutput.Direct(merge), _pending, settings, token: null));
        _ingest.Tell(new JoinRequest("a", 1, FirstSeq: 1, Token: "", SentAt: default, Nonce: "", WireVersion: WireVersion.Current, ChorusVersion: "0.1.0+test"));
        _key = (await ExpectMsgAsync<JoinAccepted>()).SessionKey;

        await SendAsync(1, Batches);
        await AwaitAssertAsync(() => Assert.Equal(PendingOutput.Fill.Full, _pending.Level), TimeSpan.FromSeconds(10));
        await SendAsync(1, Batches);

        Assert.InRange(_pending.Held.Records, MaxRecords, MaxRecords + PerBatch);
        Assert.InRange((await SendAsync(Batches, Batches))[0], 1, Batches - 1);
    }

    /// <summary>
    /// What a node's uplink does: on <see cref="ResendFrom"/> (the ingest has room again), resend from where
    /// it says, until everything is acknowledged.
    /// </summary>
    private async Task ResendWhenToldAsync()
    {
        while (true)
        {
            var answer = await FishForMessageAsync(m => m is ResendFrom or BatchAck { UpToSeq: Batches }, TimeSpan.FromSeconds(10));
            if (answer is not ResendFrom { NextSeq: var from }) return;
            for (var seq = from; seq <= Batches; seq++) _ingest.Tell(Batch(seq));
        }
    }

    private LineBatch Batch(long seq) =>
        new("a", 1, seq, At((int)seq), Enumerable.Range(0, PerBatch).Select(i => Line("web", seq * PerBatch + i, (int)seq, Text)).ToArray(), _key);

    private async Task<List<long>> SendAsync(long first, long last)
    {
        var acks = new List<long>();
        for (var seq = first; seq <= last; seq++) _ingest.Tell(Batch(seq));
        for (var seq = first; seq <= last; seq++) acks.Add((await FishForMessageAsync<BatchAck>(_ => true, TimeSpan.FromSeconds(10))).UpToSeq);
        return acks;
    }

    private List<string> ReadAllLines()
    {
        using var reader = new StreamReader(_reader);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    public new void Dispose()
    {
        // The read end first: a sink still blocked writing then fails with a broken pipe instead of waiting forever.
        _reader.Dispose();
        _stdout.Dispose();
        base.Dispose();
    }
}
