using Akka.Actor;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Ingest;

/// <summary>Both forms of the ingest's output, with probes for the merge, the archive and the node.</summary>
public sealed class IngestOutputTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf"))
{
    private static readonly LineBatch Batch = new("n1", 7, 1, At(5), [Line("web", 1, 1, "a")], SessionKey: "");

    [Fact]
    public async Task Direct_passes_an_accepted_batch_and_the_rest_to_the_merge_and_answers_the_node_itself()
    {
        var merge = CreateTestProbe();
        var output = IngestOutput.Direct(merge.Ref);

        output.Answer(TestActor, new BatchAck(7, 1, SessionKey: ""), Batch);
        output.ToMerge(new MergeActor.NodeProgress("n1", At(6)));

        Assert.Equal(Batch, (await merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch);
        await merge.ExpectMsgAsync<MergeActor.NodeProgress>();
        Assert.Equal(1, (await ExpectMsgAsync<BatchAck>()).UpToSeq);
        Assert.Empty(output.ArchivedNodes);
    }

    [Fact]
    public async Task Archived_sends_the_batch_its_answer_and_everything_for_the_merge_through_the_archive_in_order()
    {
        var archive = CreateTestProbe();
        var held = new Dictionary<string, ArchivedNode> { ["n1"] = new(7, 3) };
        var output = IngestOutput.Archived(archive.Ref, held);

        output.Answer(TestActor, new BatchAck(7, 1, SessionKey: ""), Batch);
        output.ToMerge(new MergeActor.NodeProgress("n1", At(6)));

        var write = await archive.ExpectMsgAsync<ArchiveActor.WriteThenReply>();
        Assert.Equal((Batch, (object)new BatchAck(7, 1, SessionKey: ""), TestActor), (write.Batch, write.Reply, write.To));
        await archive.ExpectMsgAsync<MergeActor.NodeProgress>();
        Assert.Same(held, output.ArchivedNodes);
    }

    [Fact]
    public async Task A_flush_is_answered_once_the_first_stop_answers()
    {
        var archive = CreateTestProbe();
        var flushing = IngestOutput.Archived(archive.Ref, new Dictionary<string, ArchivedNode>()).Flush(TimeSpan.FromSeconds(5));

        await archive.ExpectMsgAsync<FlushOutput>();
        Assert.False(flushing.IsCompleted);
        archive.Reply(new OutputFlushed());
        await flushing;
    }
}
