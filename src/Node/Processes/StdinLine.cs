using System.Text;

namespace Chorus.Node.Processes;

/// <summary>
/// What <c>input TEXT</c> and an attach frame put on a process's stdin: TEXT and a newline, in UTF-8. A TEXT
/// that already ends with a newline gets no second one; newlines inside it are kept, so a pasted block arrives
/// as the lines it has.
/// </summary>
public static class StdinLine
{
    public static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
}
