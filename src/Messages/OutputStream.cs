namespace Chorus.Messages;

/// <summary>Which pipe of a child process a line was read from.</summary>
public enum OutputStream : byte
{
    Stdout = 0,
    Stderr = 1,
}
