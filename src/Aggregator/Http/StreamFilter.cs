using System.Buffers;
using System.IO.Enumeration;
using System.Text;
using System.Text.RegularExpressions;
using Chorus.Aggregator.Ordering;
using Chorus.Messages;

namespace Chorus.Aggregator.Http;

/// <summary>
/// Which items of the merged stream one watcher wants; every filter given must pass. Node and process are
/// globs (* and ?, case-sensitive); stream and grep apply to lines only; a selector (<see cref="SelectorFilter"/>)
/// matches a process by what the <see cref="Control.FleetDirectory"/> knows of it. An event passes every filter
/// that asks about something it does not have: node-up/down name no process, and a gap may name neither, yet
/// each may explain missing lines; a task event about a whole task names no node. A folded line passes node= and
/// select= when any of the nodes that printed it does (a watcher of n2 sees n2's copy, shown as the folded line). The page filters the same way. Runs once per item and watcher (outside the
/// live feed's lock), so it allocates nothing per item and grep runs a linear-time regex.
/// </summary>
public sealed class StreamFilter(string? nodeGlob, string? procGlob, OutputStream? stream, Regex? grep, SelectorFilter? select = null)
{
    public bool Matches(OutputItem item)
    {
        var record = item.Record;
        if (nodeGlob is not null && !NodePasses(nodeGlob, item)) return false;
        if (procGlob is not null && record.Process is { } process && !Glob(procGlob, process)) return false;
        if (select is not null && !SelectPasses(select, item)) return false;
        if (record.Kind != RecordKind.Line) return true;
        if (stream is { } wanted && record.Stream != wanted) return false;
        return grep is null || Grep(grep, record.Text.Span);
    }

    // A folded line passes when any node that printed it does: it stands for each of their copies.
    private static bool NodePasses(string glob, in OutputItem item)
    {
        if (item.FoldedNodes is not { } nodes) return item.Node.Length == 0 || Glob(glob, item.Node);
        for (var i = 0; i < nodes.Count; i++)
            if (Glob(glob, nodes[i])) return true;
        return false;
    }

    private static bool SelectPasses(SelectorFilter select, in OutputItem item)
    {
        if (item.FoldedNodes is not { } nodes) return select.Matches(item.Node, item.Record.Process);
        for (var i = 0; i < nodes.Count; i++)
            if (select.Matches(nodes[i], item.Record.Process)) return true;
        return false;
    }

    private static bool Glob(string glob, string name) => FileSystemName.MatchesSimpleExpression(glob, name, ignoreCase: false);

    private static bool Grep(Regex grep, ReadOnlySpan<byte> utf8)
    {
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            return grep.IsMatch(chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, chars)));
        }
        catch (RegexMatchTimeoutException)
        {
            // Better one line too many than a line lost.
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
