using System.Globalization;
using System.Text.RegularExpressions;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

/// <summary>/metrics against a real aggregator with real processes: the counters move with the traffic.</summary>
[Collection(WatchedAggregator.Collection)]
public sealed class MetricsEndpointTests(WatchedAggregator watched)
{
    private readonly HttpClient _http = watched.Http;

    [Fact]
    public async Task Counters_follow_the_lines_of_real_processes()
    {
        var node = WatchedAggregator.Node;
        // "once" prints one line and exits: its count is exact. "web" keeps printing: its count rises.
        await Poll(m => Value(m, "chorus_lines_received_total", $"node=\"{node}\",proc=\"once\"") == 1);
        var web = await Poll(m => Value(m, "chorus_lines_received_total", $"node=\"{node}\",proc=\"web\"") > 0);
        var before = Value(web, "chorus_lines_received_total", $"node=\"{node}\",proc=\"web\"")!.Value;
        var after = await Poll(m => Value(m, "chorus_lines_received_total", $"node=\"{node}\",proc=\"web\"") > before);

        Assert.Equal("once ran".Length, Value(after, "chorus_bytes_received_total", $"node=\"{node}\",proc=\"once\""));
        Assert.True(Value(after, "chorus_lines_written_total", "sink=\"stdout\"") >= before + 1);
        Assert.Equal(1, Value(after, "chorus_nodes", "state=\"up\""));
        Assert.NotNull(Value(after, "chorus_pending_output_records", ""));
        Assert.Equal(0, Value(after, "chorus_ack_lag_batches", $"node=\"{node}\""));
        Assert.Equal(0, Value(after, "chorus_node_spool_bytes", $"node=\"{node}\""));
    }

    [Fact]
    public async Task A_watcher_is_counted_while_connected()
    {
        var before = Value(await Scrape(), "chorus_watchers", "")!.Value;
        using var socket = await WatcherSocket.ConnectAsync(watched.Aggregator, "/ws?proc=web");
        await WatcherSocket.ReceiveAsync(socket, 1);

        await Poll(m => Value(m, "chorus_watchers", "") >= before + 1);
    }

    private Task<string> Scrape() => _http.GetStringAsync("metrics");

    private async Task<string> Poll(Func<string, bool> holds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var metrics = await Scrape();
            if (holds(metrics)) return metrics;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/metrics never showed what the test waits for:\n{metrics}");
            await Task.Delay(100);
        }
    }

    /// <summary>The sample's value, for labels written as Prometheus does ("" for none); null when there is no such sample.</summary>
    private static double? Value(string metrics, string name, string labels)
    {
        var series = labels.Length == 0 ? name : $"{name}{{{labels}}}";
        var match = Regex.Match(metrics, $"^{Regex.Escape(series)} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
