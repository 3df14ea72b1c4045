using Chorus.Messages.Control;

namespace Chorus.Messages.Serialization;

/// <summary>The parts the control messages (<see cref="ProcessTable"/>, <see cref="ControlReply"/>, ...) share, written and read side by side.</summary>
internal static class ControlLayouts
{
    // A table of a node with thousands of processes is legal; a count beyond what the frame could hold is a lie.
    private const int MinItemBytes = 1;

    public delegate T ReadItem<out T>(ref WireReader reader);

    public static void WriteList<T>(WireWriter writer, IReadOnlyList<T> items, Action<WireWriter, T> write)
    {
        writer.WriteVarint((ulong)items.Count);
        foreach (var item in items) write(writer, item);
    }

    public static IReadOnlyList<T> ReadList<T>(ref WireReader reader, ReadItem<T> read)
    {
        var count = reader.ReadVarint();
        if (count > (ulong)reader.Remaining / MinItemBytes)
            throw new FormatException($"list of {count} items does not fit in the {reader.Remaining} bytes left");
        var items = new T[count];
        for (var i = 0; i < items.Length; i++) items[i] = read(ref reader);
        return items;
    }

    public static void WriteProcess(WireWriter w, ProcessInfo p)
    {
        w.WriteString(p.Name);
        w.WriteString(p.Base);
        w.WriteByte((byte)p.State);
        w.WriteByte((byte)((p.Ready ? 1 : 0) | (p.Stdin ? 2 : 0)));
        w.WriteInt32(p.Pid);
        w.WriteVarint((ulong)p.Restarts);
        w.WriteInt64(p.StartedAt.Ticks);
        w.WriteOptionalInt32(p.ExitCode);
        w.WriteOptionalInt32(p.Signal);
        WriteList(w, p.Groups, (writer, group) => writer.WriteString(group));
        WriteLabels(w, p.Labels);
        WriteList(w, p.WaitingFor, (writer, wait) => writer.WriteString(wait));
    }

    public static ProcessInfo ReadProcess(ref WireReader r)
    {
        var (name, baseName) = (r.ReadString(), r.ReadString());
        var state = r.ReadByte() is var s && Enum.IsDefined((ProcessState)s) ? (ProcessState)s : throw new FormatException($"process state {s} is unknown");
        var flags = r.ReadByte();
        if (flags > 3) throw new FormatException($"process flags {flags} are unknown");
        var pid = r.ReadInt32();
        var restarts = r.ReadVarint();
        if (restarts > int.MaxValue) throw new FormatException($"restart count {restarts} is out of range");
        var startedAt = WireTime.FromTicks(r.ReadInt64());
        var (exitCode, signal) = (r.ReadOptionalInt32(), r.ReadOptionalInt32());
        var groups = ReadList(ref r, (ref WireReader x) => x.ReadString());
        var labelMap = ReadLabels(ref r);
        var waitingFor = ReadList(ref r, (ref WireReader x) => x.ReadString());
        return new ProcessInfo(name, baseName, state, (flags & 1) != 0, pid, (int)restarts, startedAt, exitCode, signal, (flags & 2) != 0,
            groups, labelMap, waitingFor);
    }

    /// <summary>A process's labels (its spec's) or a node's (its --labels): key, value, in the order given.</summary>
    public static void WriteLabels(WireWriter w, IReadOnlyDictionary<string, string> labels) =>
        WriteList(w, labels.ToArray(), (writer, label) => { writer.WriteString(label.Key); writer.WriteString(label.Value); });

    public static IReadOnlyDictionary<string, string> ReadLabels(ref WireReader r)
    {
        var labels = ReadList(ref r, (ref WireReader x) => KeyValuePair.Create(x.ReadString(), x.ReadString()));
        var labelMap = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var (key, value) in labels)
            if (!labelMap.TryAdd(key, value)) throw new FormatException($"label \"{key}\" is given twice");
        return labelMap;
    }

    public static void WriteResult(WireWriter w, ActionResult result)
    {
        w.WriteString(result.Process);
        w.WriteString(result.Outcome);
        w.WriteString(result.Message);
    }

    public static ActionResult ReadResult(ref WireReader r) => new(r.ReadString(), r.ReadString(), r.ReadString());

    public static void WriteNodeProcess(WireWriter w, NodeProcess process)
    {
        w.WriteString(process.Node);
        WriteProcess(w, process.Process);
    }

    public static NodeProcess ReadNodeProcess(ref WireReader r) => new(r.ReadString(), ReadProcess(ref r));

    public static ControlVerb ReadVerb(ref WireReader r) =>
        r.ReadByte() is var v && Enum.IsDefined((ControlVerb)v) ? (ControlVerb)v : throw new FormatException($"verb {v} is unknown");
}
