using Chorus.Aggregator.Tasks;

namespace Chorus.Aggregator.Tests.Support;

/// <summary>A fresh --state-dir under the temp directory, removed with whatever stores opened there.</summary>
public sealed class StateDirectory : IDisposable
{
    private readonly List<TaskStore> _stores = [];

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chorus-state-" + Guid.NewGuid().ToString("N"));

    /// <summary>A store on this directory, closed at the end (open it again to see what a restarted aggregator sees).</summary>
    public TaskStore Open(long maxLogBytes = 16 * 1024 * 1024)
    {
        var store = TaskStore.Open(Path, maxLogBytes);
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
