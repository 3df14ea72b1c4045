using System.Runtime.InteropServices;

namespace Chorus.Hosting;

/// <summary>
/// Ctrl-C and SIGTERM ask for a graceful stop; a second one asks to hurry (like foreman). The runtime's
/// default reaction (exit at once) is cancelled so the program can deliver its remaining lines.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    public ShutdownSignals(Action stop, Action hurry)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (Interlocked.Increment(ref _count) == 1) stop();
                else hurry();
            }));
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
