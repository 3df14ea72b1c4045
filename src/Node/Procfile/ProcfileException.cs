using Chorus.Hosting;

namespace Chorus.Node.Procfile;

/// <summary>
/// A Procfile that cannot be used. The message is written for the person who wrote the file: it says what is
/// wrong, where, and how to fix it, and is shown as it is, without a stack trace.
/// </summary>
public sealed class ProcfileException(string message) : UsageException(message);
