using Akka.Actor;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Messages;
using static Chorus.Aggregator.Tests.Support.Records;

namespace Chorus.Aggregator.Tests.Archive;

public sealed class ArchiveActorTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("aggregator.conf")), IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public async Task A_batch_is_in_the_file_with_its_closing_record_before_the_answer_goes_out()
    {
        var archive = Sys.ActorOf(ArchiveActor.Props(_path, CreateTestProbe().Ref, new StopRequest()));
        var batch = new LineBatch("n1", 77, 3, At(5), [Line("web", 1, 1, "a"), Line("web", 2, 2, "b")], SessionKey: "");

        archive.Tell(new ArchiveActor.WriteThenReply(batch, new BatchAck(77, 3, SessionKey: ""), TestActor));

        await ExpectMsgAsync<BatchAck>();
        var lines = File.ReadAllLines(_path);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"text\":\"a\"", lines[0]);
        Assert.Equal("""{"type":"batch","node":"n1","incarnation":77,"batch":3,"records":2}""", lines[2]);
        Assert.Equal(new ArchivedNode(77, 3), ArchiveFile.Repair(_path)["n1"]);
    }

    [Fact]
    public async Task An_answer_goes_out_in_the_name_of_the_ingest_so_the_node_keeps_talking_to_the_ingest()
    {
        var archive = Sys.ActorOf(ArchiveActor.Props(_path, CreateTestProbe().Ref, new StopRequest()));
        var ingest = CreateTestProbe();

        archive.Tell(new ArchiveActor.WriteThenReply(null, new JoinAccepted(1, 1, SessionKey: "", Nonce: ""), TestActor), ingest.Ref);

        await ExpectMsgAsync<JoinAccepted>();
        Assert.Equal(ingest.Ref, LastSender);
    }

    [Fact]
    public async Task The_merge_gets_a_batch_only_once_it_is_in_the_file_and_nothing_overtakes_it()
    {
        var merge = CreateTestProbe();
        var archive = Sys.ActorOf(ArchiveActor.Props(_path, merge.Ref, new StopRequest()));
        var batch = new LineBatch("n1", 77, 1, At(5), [Line("web", 1, 1, "kept")], SessionKey: "");

        archive.Tell(new MergeActor.NodeConnected("n1", ChorusVersion: "0.1.0+test"));
        archive.Tell(new ArchiveActor.WriteThenReply(batch, new BatchAck(77, 1, SessionKey: ""), TestActor));
        archive.Tell(new MergeActor.NodeProgress("n1", At(6)));

        await merge.ExpectMsgAsync<MergeActor.NodeConnected>();
        Assert.Equal(batch, (await merge.ExpectMsgAsync<MergeActor.AcceptedBatch>()).Batch);
        Assert.Contains("\"text\":\"kept\"", File.ReadAllText(_path));
        await merge.ExpectMsgAsync<MergeActor.NodeProgress>();
    }

    [Fact]
    public async Task A_write_that_fails_asks_for_exit_5_and_from_then_on_answers_nothing_and_passes_on_only_the_flush()
    {
        var merge = CreateTestProbe();
        var stop = new StopRequest();
        // A real device that fails every write with ENOSPC, as a full disk does.
        var archive = Sys.ActorOf(ArchiveActor.Props("/dev/full", merge.Ref, stop));
        var batch = new LineBatch("n1", 77, 1, At(5), [Line("web", 1, 1, "not kept")], SessionKey: "");

        archive.Tell(new ArchiveActor.WriteThenReply(batch, new BatchAck(77, 1, SessionKey: ""), TestActor));
        Assert.Equal(ExitCodes.CannotArchive, await stop.ExitCode.WaitAsync(TimeSpan.FromSeconds(5)));
        archive.Tell(new MergeActor.NodeConnected("n2", ChorusVersion: "0.1.0+test"));
        archive.Tell(new ArchiveActor.WriteThenReply(null, new BatchAck(77, 0, SessionKey: ""), TestActor));
        archive.Tell(new MergeActor.NodeProgress("n1", At(6)));
        archive.Tell(new FlushOutput());

        await merge.ExpectMsgAsync<FlushOutput>();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    public new void Dispose()
    {
        base.Dispose();
        File.Delete(_path);
    }
}
