using System.Buffers.Text;
using Akka.Actor;
using Chorus.Messages;
using Chorus.Node.Processes;
using Chorus.Node.Uplink;

namespace Chorus.Bench.LoadNodes;

/// <summary>
/// One simulated node: the parent of a real <see cref="UplinkActor"/>, which it feeds as a node's pipe readers do
/// (<see cref="ProcessActor.LinesRead"/>, one at a time per process, the next only after
/// <see cref="ProcessActor.LinesAppended"/>). Each of its processes writes <c>lines</c> numbered lines at
/// <c>rate</c> lines/s (or as fast as the uplink takes them when rate is 0), each carrying its write time, as
/// bench/gen.c's paced lines do: <c>@NODE.PROC:NUMBER:NANOS:padding</c>, 80 bytes with the newline.
/// </summary>
public sealed class LoadNode : ReceiveActor, IWithTimers
{
    // A pipe read of 64 KiB holds about 800 lines of 80 bytes: no read hands on more.
    private const int MaxLinesPerRead = 800;
    private const int LineBytes = 79;
    private static readonly byte[] Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"u8.ToArray();

    private readonly int _index;
    private readonly double _rate;
    private readonly long _lines;
    private readonly TimeSpan _tick;
    private readonly IActorRef _driver;
    private readonly IActorRef _uplink;
    private readonly string[] _processes;
    private readonly long[] _sent;
    private readonly bool[] _reading;
    // Which process each outstanding LinesRead was for: the uplink answers in order.
    private readonly Queue<int> _outstanding = new();
    private long _startTimestamp;
    private bool _generated;
    private IActorRef? _drainRequester;

    public LoadNode(int index, int processes, double rate, long lines, TimeSpan tick, Props uplink, IActorRef driver)
    {
        (_index, _rate, _lines, _tick, _driver) = (index, rate, lines, tick, driver);
        _processes = Enumerable.Range(1, processes).Select(p => $"p{p:00}").ToArray();
        _sent = new long[processes];
        _reading = new bool[processes];
        _uplink = Context.ActorOf(uplink, "uplink");

        Receive<Go>(go => Start(go.StartTimestamp));
        Receive<Tick>(_ => Generate());
        Receive<ProcessActor.LinesAppended>(_ => OnAppended());
        Receive<Finish>(_ => OnFinish());
        Receive<UplinkActor.Drained>(drained => _drainRequester?.Tell(drained));
        Receive<UplinkActor.Refused>(refused => _driver.Tell(new Refused(_index, refused.Reason)));
        Receive<UplinkActor.LinesRefused>(refused => _driver.Tell(new Refused(_index, refused.Reason)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int index, int processes, double rate, long lines, TimeSpan tick, Props uplink, IActorRef driver) =>
        Akka.Actor.Props.Create(() => new LoadNode(index, processes, rate, lines, tick, uplink, driver));

    /// <summary>Start writing, all nodes from the same instant (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public sealed record Go(long StartTimestamp);

    /// <summary>To the driver, once: every process has written all its lines and the uplink took them.</summary>
    public sealed record Generated(int Index, long Lines);

    /// <summary>To the driver: the aggregator refused this node's join or its lines.</summary>
    public sealed record Refused(int Index, string Reason);

    /// <summary>Drain the uplink (send what it holds, then leave); answered with <see cref="UplinkActor.Drained"/>.</summary>
    public sealed record Finish;

    private sealed record Tick;

    private void Start(long startTimestamp)
    {
        _startTimestamp = startTimestamp;
        if (_processes.Length == 0 || _lines == 0) return;
        Timers.StartPeriodicTimer("tick", new Tick(), _tick);
        Generate();
    }

    private void Generate()
    {
        for (var p = 0; p < _processes.Length; p++) Write(p);
        CheckGenerated();
    }

    private void OnAppended()
    {
        var p = _outstanding.Dequeue();
        _reading[p] = false;
        Write(p);
        CheckGenerated();
    }

    /// <summary>Hands the uplink what process <paramref name="p"/> has written by now and not handed on, at most one read's worth.</summary>
    private void Write(int p)
    {
        if (_reading[p]) return;
        var due = _rate <= 0 ? _lines : Math.Min(_lines, (long)(_rate * System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds));
        var count = (int)Math.Min(due - _sent[p], MaxLinesPerRead);
        if (count <= 0) return;
        var buffer = new byte[count * LineBytes];
        var lines = new FramedLine[count];
        var nanos = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        for (var i = 0; i < count; i++)
        {
            var line = buffer.AsMemory(i * LineBytes, LineBytes);
            Format(line.Span, p, _sent[p] + 1 + i, nanos);
            lines[i] = new FramedLine(line, false);
        }
        _uplink.Tell(new ProcessActor.LinesRead(_processes[p], OutputStream.Stdout, _sent[p] + 1, lines));
        _sent[p] += count;
        _reading[p] = true;
        _outstanding.Enqueue(p);
    }

    // @NODE.PROC:NUMBER:NANOS: then padding up to 79 bytes (80 with the newline a pipe would have carried).
    private void Format(Span<byte> line, int p, long number, long nanos)
    {
        var at = 0;
        line[at++] = (byte)'@';
        Utf8Formatter.TryFormat(_index, line[at..], out var n, new System.Buffers.StandardFormat('D', 4));
        at += n;
        line[at++] = (byte)'.';
        Utf8Formatter.TryFormat(p + 1, line[at..], out n, new System.Buffers.StandardFormat('D', 2));
        at += n;
        line[at++] = (byte)':';
        Utf8Formatter.TryFormat(number, line[at..], out n, new System.Buffers.StandardFormat('D', 9));
        at += n;
        line[at++] = (byte)':';
        Utf8Formatter.TryFormat(nanos, line[at..], out n);
        at += n;
        line[at++] = (byte)':';
        Padding.AsSpan(0, LineBytes - at).CopyTo(line[at..]);
    }

    private void CheckGenerated()
    {
        if (_generated || _outstanding.Count > 0 || _sent.Any(s => s < _lines)) return;
        _generated = true;
        Timers.Cancel("tick");
        _driver.Tell(new Generated(_index, _sent.Sum()));
    }

    private void OnFinish()
    {
        Timers.Cancel("tick");
        _drainRequester = Sender;
        _uplink.Tell(new UplinkActor.Drain());
    }
}
