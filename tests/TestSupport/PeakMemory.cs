namespace Chorus.Tests.Support;

/// <summary>Samples a process's resident memory from /proc while a test runs and keeps the highest value seen.</summary>
public sealed class PeakMemory : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public PeakMemory(int pid) => _sampling = Sample(pid);

    public long PeakBytes { get; private set; }

    private async Task Sample(int pid)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
                if (rss is not null) PeakBytes = Math.Max(PeakBytes, long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
            }
            catch (IOException)
            {
                return; // the process is gone
            }
            await Task.Delay(50).ContinueWith(_ => { }); // a sampling period, not a wait for a condition
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }
}
