using Akka.Actor;
using Akka.TestKit;
using Chorus.Hosting;
using Chorus.Messages;
using Chorus.Messages.Control;

namespace Chorus.Aggregator.Tests.Control;

/// <summary>
/// A node as the aggregator sees it over real remoting, played by a probe in an ActorSystem of its own: it joins the
/// ingest, sends its process table and answers control requests as a node's uplink would, with the session key it got.
/// </summary>
public sealed class FakeNode : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create(RemoteSystem.Name, HoconFiles.Load("wire.conf"));
    private readonly ActorSelection _ingest;
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);

    public FakeNode(string name, Address aggregator)
    {
        Name = name;
        Probe = new TestProbe(_system, new Akka.TestKit.Xunit2.XunitAssertions());
        Probe.IgnoreMessages(m => m is ClockProbe or BatchAck);
        _ingest = _system.ActorSelection($"{aggregator}/user/ingest");
    }

    public string Name { get; }
    public TestProbe Probe { get; }
    public string SessionKey { get; private set; } = "";

    /// <param name="labels">The node's own labels (--label), carried by the join.</param>
    public async Task JoinAsync(IReadOnlyDictionary<string, string>? labels = null)
    {
        _ingest.Tell(new JoinRequest(Name, _incarnation, 1, Token: "", SentAt: DateTime.UtcNow, Nonce: "N-" + Name, WireVersion: WireVersion.Current,
            ChorusVersion: "0.1.0+test", labels), Probe.Ref);
        SessionKey = (await Probe.ExpectMsgAsync<JoinAccepted>(TimeSpan.FromSeconds(15))).SessionKey;
    }

    public void SendTable(params ProcessInfo[] processes) => _ingest.Tell(new ProcessTable(Name, _incarnation, SessionKey, processes), Probe.Ref);

    public void Reply(long id, params ActionResult[] results) => _ingest.Tell(new ControlReply(Name, _incarnation, SessionKey, id, results), Probe.Ref);

    public void Leave() => _ingest.Tell(new NodeLeaving(Name, _incarnation, SessionKey), Probe.Ref);

    /// <summary>As a peer that never joined would: under this node's name and run, with a key it made up.</summary>
    public void ForgeTable(string node, long incarnation, params ProcessInfo[] processes) =>
        _ingest.Tell(new ProcessTable(node, incarnation, "MADE-UP-KEY", processes), Probe.Ref);

    public void ForgeReply(string node, long incarnation, long id, params ActionResult[] results) =>
        _ingest.Tell(new ControlReply(node, incarnation, "MADE-UP-KEY", id, results), Probe.Ref);

    public long Incarnation => _incarnation;

    public async Task<ControlRequest> ExpectRequestAsync() => await Probe.ExpectMsgAsync<ControlRequest>(TimeSpan.FromSeconds(10));

    public async Task<RunTask> ExpectRunTaskAsync() => await Probe.ExpectMsgAsync<RunTask>(TimeSpan.FromSeconds(10));

    public async Task<RemoteProcesses> ExpectRemoteProcessesAsync() => await Probe.ExpectMsgAsync<RemoteProcesses>(TimeSpan.FromSeconds(10));

    public static ProcessInfo Info(string name, ProcessState state = ProcessState.Running, bool ready = true, params string[] waitingFor) =>
        new(name, name, state, ready, Pid: 100, Restarts: 0, StartedAt: DateTime.UtcNow, ExitCode: null, Signal: null, Stdin: false,
            Groups: [], Labels: new Dictionary<string, string>(), WaitingFor: waitingFor);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
