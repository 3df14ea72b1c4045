namespace Chorus.Hosting;

/// <summary>
/// How anything running inside an executable asks it to stop, with the exit code it should end with: a
/// signal, the embedded node finishing, an actor that cannot go on (the archive that cannot be written).
/// The first request wins. Program.cs awaits <see cref="ExitCode"/>, then stops in order (flush what is
/// held, close listeners, end the actor system) and returns the code, so no actor calls Environment.Exit.
/// Chosen over Akka's CoordinatedShutdown: Akka.Remote runs that itself when a TLS handshake it started
/// fails (wire.conf turns its effects off), and a stop it had claimed first could no longer carry our code.
/// </summary>
public sealed class StopRequest
{
    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the exit code of the first request.</summary>
    public Task<int> ExitCode => _exitCode.Task;

    /// <summary>Asks to stop and exit with <paramref name="exitCode"/>; ignored once a stop was asked for.</summary>
    public void Request(int exitCode) => _exitCode.TrySetResult(exitCode);
}
