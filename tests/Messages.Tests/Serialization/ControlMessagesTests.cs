using System.Runtime.Serialization;
using Akka.Serialization;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Messages.Serialization;

namespace Chorus.Messages.Tests.Serialization;

/// <summary>The control messages hold lists, so records do not compare them: each is checked by writing it again, byte for byte, and by its fields.</summary>
public sealed class ControlMessagesTests() : Akka.TestKit.Xunit2.TestKit(HoconFiles.Load("wire.conf"))
{
    private static readonly DateTime T0 = new(2026, 12, 5, 10, 0, 0, DateTimeKind.Utc);

    private static readonly ProcessInfo Web = new("web.2", "web", ProcessState.Running, Ready: true, Pid: 4242, Restarts: 3, StartedAt: T0,
        ExitCode: null, Signal: 9, Stdin: true, Groups: ["front", "ünï"], Labels: new Dictionary<string, string> { ["tier"] = "backend", ["zone"] = "" },
        WaitingFor: []);

    private static readonly ProcessInfo Api = new("api", "api", ProcessState.Waiting, Ready: false, Pid: 0, Restarts: 0, StartedAt: default,
        ExitCode: 1, Signal: null, Stdin: false, Groups: [], Labels: new Dictionary<string, string>(), WaitingFor: ["db@n1 ready", "cache started"]);

    public static TheoryData<IChorusMessage> Messages() =>
    [
        new ProcessTable("n1", 42, "key", [Web, Api]),
        new ProcessTable("n1", 42, "", []),
        new ControlRequest(7, ControlVerb.Signal, "group:web node:eu*, db", "HUP", "key"),
        new ControlRequest(long.MaxValue, ControlVerb.Input, "repl", "print('hi ünï')", ""),
        new ControlReply("n1", 42, "key", 7, [new ActionResult("web.2", ActionResult.Ok, "restarted"), new ActionResult("db", "stdin-closed", "its stdin is closed")]),
        new RemoteProcesses("key", [new NodeProcess("n1", Web), new NodeProcess("n2", Api)]),
        new RunTask(7, "task-t1", "uname -sr; echo 'ünï' | tr a-z A-Z", "key"),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_control_message_reads_back_as_it_was_written(IChorusMessage message)
    {
        var (bytes, manifest) = Write(message);
        var back = Serializer().FromBinary(bytes, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.Equal(bytes, Write(back).Bytes);
    }

    [Fact]
    public void A_process_table_keeps_every_field()
    {
        var (bytes, manifest) = Write(new ProcessTable("n1", 42, "key", [Web]));
        var back = Assert.IsType<ProcessTable>(Serializer().FromBinary(bytes, manifest));

        var web = Assert.Single(back.Processes);
        Assert.Equal((Web.Name, Web.Base, Web.State, Web.Ready, Web.Pid, Web.Restarts, Web.StartedAt, Web.ExitCode, Web.Signal, Web.Stdin),
            (web.Name, web.Base, web.State, web.Ready, web.Pid, web.Restarts, web.StartedAt, web.ExitCode, web.Signal, web.Stdin));
        Assert.Equal(Web.Groups, web.Groups);
        Assert.Equal(Web.Labels.OrderBy(l => l.Key), web.Labels.OrderBy(l => l.Key));
    }

    [Fact]
    public void A_task_request_keeps_every_field()
    {
        var sent = new RunTask(long.MaxValue, "task-t12", "sleep 1 && echo \"done\"", "key");
        var (bytes, manifest) = Write(sent);

        Assert.Equal("RT", manifest);
        Assert.Equal(sent, Serializer().FromBinary(bytes, manifest));
    }

    [Fact]
    public void A_table_whose_list_count_cannot_fit_in_the_frame_is_refused()
    {
        var (bytes, manifest) = Write(new ProcessTable("n1", 42, "key", []));
        bytes[^1] = 0x7F; // the process count: 127 processes in no bytes at all

        Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes, manifest));
    }

    [Fact]
    public void An_unknown_verb_is_refused()
    {
        var (bytes, manifest) = Write(new ControlRequest(1, ControlVerb.Start, "web", "", "key"));
        bytes[1] = 200; // the verb, after the one-byte id

        Assert.Throws<SerializationException>(() => Serializer().FromBinary(bytes, manifest));
    }

    private (byte[] Bytes, string Manifest) Write(object message) => (Serializer().ToBinary(message), Serializer().Manifest(message));

    private SerializerWithStringManifest Serializer() =>
        Assert.IsType<ChorusSerializer>(Sys.Serialization.FindSerializerForType(typeof(ProcessTable)));
}
