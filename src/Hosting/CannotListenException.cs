namespace Chorus.Hosting;

/// <summary>A listener could not be opened; the message names the flag to change. Exits with <see cref="ExitCodes.CannotListen"/>.</summary>
public sealed class CannotListenException(string message, Exception? inner = null) : Exception(message, inner);
