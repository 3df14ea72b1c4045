namespace Chorus.Node.Processes;

/// <summary>
/// A terminal ends every line with CR LF (its output processing turns the program's LF into both): for a
/// <c>tty = true</c> process the CR is taken off again, so its lines read like any other process's.
/// </summary>
public static class TerminalLines
{
    private const byte CarriageReturn = (byte)'\r';

    public static IReadOnlyList<FramedLine> WithoutCarriageReturns(IReadOnlyList<FramedLine> lines)
    {
        var result = new FramedLine[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var text = lines[i].Text;
            // A piece cut from a longer line does not end the line: its last byte is not the line's end.
            result[i] = !lines[i].Continued && text.Length > 0 && text.Span[^1] == CarriageReturn
                ? lines[i] with { Text = text[..^1] }
                : lines[i];
        }
        return result;
    }
}
