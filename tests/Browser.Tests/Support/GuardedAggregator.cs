namespace Chorus.Browser.Tests.Support;

/// <summary>A <see cref="WatchedAggregator"/> started with a token, and a browser next to it.</summary>
public static class GuardedAggregator
{
    public const string Token = "correct horse battery staple";

    /// <summary>The read-only token (--watch-token-file): it watches, and may not act.</summary>
    public const string WatchToken = "look but do not touch";

    /// <summary>Written once per test run; the aggregator reads it at start.</summary>
    public static readonly string TokenFile = WriteTokenFile("token", Token);

    public static readonly string WatchTokenFile = WriteTokenFile("watch-token", WatchToken);

    public static WatchedAggregator Create() => WatchedAggregator.With("--token-file", TokenFile);

    private static string WriteTokenFile(string kind, string token)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-browser-{kind}-{Environment.ProcessId}");
        File.WriteAllText(path, token + "\n");
        return path;
    }
}

/// <summary>One token-guarded aggregator for a test class.</summary>
public sealed class GuardedWatchedAggregator() : IAsyncLifetime
{
    private readonly WatchedAggregator _watched = GuardedAggregator.Create();

    public AggregatorProcess Aggregator => _watched.Aggregator;

    public Task InitializeAsync() => _watched.InitializeAsync();

    public Task DisposeAsync() => _watched.DisposeAsync();
}

/// <summary>A browser next to a token-guarded aggregator.</summary>
public sealed class GuardedBrowserPage() : BrowserPage(GuardedAggregator.Create());
