using System.Text.Json;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Failures;

/// <summary>
/// An aggregator whose stdout is open but never read (a pipe nobody drains): its stdout writer blocks for good.
/// A stop must still go through: the notices, the flush bounded by shutdown.flush-timeout, and the exit.
/// </summary>
public sealed class AggregatorStdoutBlockedTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("chorus-blocked-");

    [Fact]
    public async Task An_aggregator_whose_stdout_nobody_reads_still_stops_on_sigterm()
    {
        var procfile = Write("Procfile", "flood: yes 0123456789012345678901234567890123456789\n");
        var config = Write("chorus.conf", "chorus.aggregator.shutdown.flush-timeout = 2s\nchorus.node { drain-timeout = 1s, spool-max-bytes = 0 }\n");
        var (aggregator, _, watch) = await ChorusProcess.StartAggregatorWithStdoutHeldAsync("--name", "held", "--procfile", procfile, "--config", config);
        using var _ = aggregator;
        using var http = new HttpClient { BaseAddress = watch };

        // Far more lines than a 64 KiB pipe holds have gone through the merge: the stdout writer is blocked.
        await Eventually.True(() => LinesOf(http, "flood") > 20_000, TimeSpan.FromSeconds(30));
        aggregator.Signal(15);

        // Before the fix the stop's first notice waited behind the blocked stdout (Console's lock) for good.
        await aggregator.WaitForStderrAsync(l => l.StartsWith("chorus: stopping", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(aggregator.Stderr, l => l.StartsWith("chorus: warning: ", StringComparison.Ordinal) && l.Contains("shutdown.flush-timeout"));
    }

    private static long LinesOf(HttpClient http, string process)
    {
        using var nodes = JsonDocument.Parse(http.GetStringAsync("api/nodes").GetAwaiter().GetResult());
        return nodes.RootElement.GetProperty("nodes").EnumerateArray()
            .SelectMany(n => n.GetProperty("processes").EnumerateArray())
            .Where(p => p.GetProperty("proc").GetString() == process)
            .Sum(p => p.GetProperty("lines").GetInt64());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
