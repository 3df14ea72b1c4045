using System.Buffers;
using System.Globalization;
using System.Text;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Tasks;
using Chorus.Messages;

namespace Chorus.Aggregator.Formatting;

/// <summary>
/// The terminal format, one line each: <c>HH:mm:ss.fff node/proc | text</c> for stdout, <c>!</c> instead
/// of <c>|</c> for stderr, <c>*</c> for events. Sources are padded to the widest seen so far, like
/// foreman, and coloured by a stable hash of their name when colour is on. A folded line's source names every
/// node that printed it, <c>[n1,n2,n4]/task-t1</c> (ClusterShell's style); a task event about the whole task has no
/// node, so its source is the task's process alone.
/// </summary>
public sealed class TextFormatter(bool color) : IRecordFormatter
{
    private const string Reset = "\e[0m";

    private readonly Dictionary<(string Node, string? Process), byte[]> _labels = new();
    private readonly LocalClock _clock = new();
    private int _width;
    // The label of the previous item: lines come in runs from one process, and the same string instances.
    private (string Node, string? Process) _lastSource;
    private byte[] _lastLabel = [];

    public void Write(in OutputItem item, IBufferWriter<byte> output) =>
        Write(item.Node, item.Record, item.Late, item.CorrectionTicks, item.FoldedNodes, output);

    public void Write(in OutputRun run, IBufferWriter<byte> output)
    {
        foreach (ref readonly var record in run) Write(run.Node, record, run.Late, run.CorrectionTicks, run.FoldedNodes, output);
    }

    private void Write(string node, in NodeRecord record, bool late, long correctionTicks, IReadOnlyList<string>? foldedNodes,
        IBufferWriter<byte> output)
    {
        var time = output.GetSpan(TimestampText.ClockLength + 1);
        _clock.Write(record.Timestamp.AddTicks(correctionTicks), time);
        time[TimestampText.ClockLength] = (byte)' ';
        output.Advance(TimestampText.ClockLength + 1);

        var label = Label(foldedNodes is { } nodes ? FoldedSource(nodes) : node, record.Process);
        output.Write(label);
        Pad(output, _width - VisibleLength(label));

        if (record.Kind == RecordKind.Line)
        {
            if (record.Stream == OutputStream.Stderr) output.Write(color ? " \e[1;31m!\e[0m "u8 : " ! "u8);
            else output.Write(" | "u8);
            output.Write(record.Text.Span);
        }
        else
        {
            Write(output, " * ");
            Write(output, Describe(record));
        }
        if (late) Write(output, " (late)");
        if (record.AfterExit) Write(output, " (after exit)");
        output.Write("\n"u8);
    }

    /// <summary>An event in words, as a person reads it in the terminal.</summary>
    public static string Describe(in NodeRecord record) => record.Kind switch
    {
        RecordKind.Started => $"started (pid {record.Pid})",
        RecordKind.Exited when record.Signal is { } signal => $"exited by signal {signal}",
        RecordKind.Exited => $"exited with code {record.ExitCode}",
        RecordKind.Gap => $"gap: {record.Count} lines missing ({record.Reason})",
        RecordKind.NodeUp => "node-up",
        RecordKind.NodeDown => "node-down",
        RecordKind.Ready => "ready",
        RecordKind.Restarting => string.Create(CultureInfo.InvariantCulture, $"restarting in {record.DelayMs / 1000.0:0.0} s (attempt {record.Count})"),
        RecordKind.GivenUp => $"given up: {record.Reason}",
        RecordKind.Scaled => $"scaled to {record.Count}",
        RecordKind.Waiting => $"waiting for {record.Reason}",
        RecordKind.Task => DescribeTask(record),
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "lines are not events"),
    };

    // "task t1 finished with code 2", "task t1 refused: ...": the state, the code once there is one, what to read about it.
    private static string DescribeTask(in NodeRecord record)
    {
        var described = $"task {TaskId(record.Process)} {record.Reason}";
        if (record.ExitCode is { } code) described += $" with code {code}";
        var detail = Encoding.UTF8.GetString(record.Text.Span);
        return detail.Length == 0 ? described : $"{described}: {detail}";
    }

    /// <summary>"t1" of "task-t1": the id a task event is about.</summary>
    public static string TaskId(string? process) =>
        process is not null && process.StartsWith(TaskInfo.ProcessPrefix, StringComparison.Ordinal) ? process[TaskInfo.ProcessPrefix.Length..] : process ?? "";

    /// <summary>"[n1,n2,n4]": the nodes a folded line stands for, as its source shows them.</summary>
    public static string FoldedSource(IReadOnlyList<string> nodes) => $"[{string.Join(',', nodes)}]";

    private byte[] Label(string node, string? process)
    {
        if (ReferenceEquals(node, _lastSource.Node) && ReferenceEquals(process, _lastSource.Process)) return _lastLabel;
        _lastSource = (node, process);
        return _lastLabel = NewOrKnownLabel(node, process);
    }

    private byte[] NewOrKnownLabel(string node, string? process)
    {
        if (_labels.TryGetValue((node, process), out var label)) return label;
        var text = process is null ? node : node.Length == 0 ? process : $"{node}/{process}";
        var visible = Encoding.UTF8.GetByteCount(text);
        // A folded source names many nodes: were it to widen the column, every later line would be padded to it.
        if (!node.StartsWith('[')) _width = Math.Max(_width, visible);
        label = Encoding.UTF8.GetBytes(color ? $"{SourceColors.For(text)}{text}{Reset}" : text);
        _labels[(node, process)] = label;
        return label;
    }

    private int VisibleLength(byte[] label) => color ? label.Length - SourceColors.EscapeLength - Reset.Length : label.Length;

    private static void Pad(IBufferWriter<byte> output, int count)
    {
        if (count <= 0) return;
        output.GetSpan(count)[..count].Fill((byte)' ');
        output.Advance(count);
    }

    private static void Write(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length * 3);
        output.Advance(Encoding.UTF8.GetBytes(ascii, span));
    }

    /// <summary>
    /// UTC as local HH:mm:ss.fff, with the zone offset looked up once per hour and the text up to the second
    /// made once per second rather than per line.
    /// </summary>
    private sealed class LocalClock
    {
        private const int SecondLength = 9; // 10:00:00.
        private readonly SecondText _second = new(SecondLength);
        private DateTime _hourStart = DateTime.MaxValue;
        private TimeSpan _offset;

        public void Write(DateTime utc, Span<byte> into)
        {
            var local = ToLocal(utc);
            if (!_second.TryWrite(local, into, out var ticks))
            {
                TimestampText.WriteClock(local, into);
                _second.Remember(local, into);
                return;
            }
            TimestampText.Digits((int)(ticks / TimeSpan.TicksPerMillisecond), 3, into[SecondLength..]);
        }

        private DateTime ToLocal(DateTime utc)
        {
            if (utc < _hourStart || utc >= _hourStart.AddHours(1))
            {
                _hourStart = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
                _offset = TimeZoneInfo.Local.GetUtcOffset(_hourStart);
            }
            return utc + _offset;
        }
    }
}
