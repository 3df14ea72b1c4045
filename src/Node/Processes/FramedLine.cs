namespace Chorus.Node.Processes;

/// <summary>
/// One line of a child's output, or one piece of a line too long to send whole.
/// </summary>
/// <param name="Text">UTF-8 without the line ending; always valid UTF-8 and at most the framer's limit long.
/// A slice of a buffer shared by the lines of one chunk, so keeping one line keeps its neighbours alive.</param>
/// <param name="Continued">This piece was cut from a longer line: the next piece carries on the same line.</param>
public readonly record struct FramedLine(ReadOnlyMemory<byte> Text, bool Continued);
