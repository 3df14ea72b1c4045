namespace Chorus.Messages.Selection;

/// <summary>A selector that cannot be parsed; the message says where and how to fix it.</summary>
public sealed class SelectorException(string message) : Exception(message);
