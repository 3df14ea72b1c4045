using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

[Collection(WatchedAggregator.Collection)]
public sealed class IdleWatchersTests(WatchedAggregator watched)
{
    private const int Watchers = 200;

    [Fact]
    public async Task Two_hundred_idle_watchers_take_no_thread_each()
    {
        var threadsBefore = Threads(watched.Aggregator.Pid);

        // proc=none matches no process: each stream stays open with nothing to send.
        var streams = await Task.WhenAll(Enumerable.Range(0, Watchers).Select(_ => EventStream.OpenAsync(watched.Http, "events?proc=none")));
        try
        {
            Assert.Equal("ok\n", await watched.Http.GetStringAsync("healthz"));
            var added = Threads(watched.Aggregator.Pid) - threadsBefore;
            Assert.True(added < 20, $"{Watchers} idle /events connections added {added} threads.");
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim());
}
