namespace Chorus.Node.Readiness;

/// <summary>
/// One look at whether a process is ready (a spec's readiness tcp, http or command; log readiness is the
/// process actor's, which sees the lines). Looked at every readiness interval until it holds or the timeout ends.
/// </summary>
public interface IReadinessProbe
{
    /// <summary>True once ready; false (never an exception) while not, with <see cref="LastFailure"/> saying why.</summary>
    Task<bool> IsReadyAsync(CancellationToken cancellation);

    /// <summary>Why the last look failed ("connection refused", "answered 503"), for the given-up reason.</summary>
    string LastFailure { get; }
}
