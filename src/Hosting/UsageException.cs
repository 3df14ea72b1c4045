namespace Chorus.Hosting;

/// <summary>
/// A mistake the user can fix (a bad flag, a bad file). Programs print only its message, never a stack
/// trace, and exit with <see cref="ExitCodes.Usage"/>. The message says what is wrong and what to do.
/// </summary>
public class UsageException(string message) : Exception(message);
