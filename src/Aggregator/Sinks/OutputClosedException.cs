namespace Chorus.Aggregator.Sinks;

/// <summary>
/// A writer's destination went away (stdout piped into `head`, say): nothing was lost that anyone could still
/// read, so the sink warns once instead of reporting an error, and the writer skips every chunk after it.
/// </summary>
public sealed class OutputClosedException(string message) : Exception(message);
