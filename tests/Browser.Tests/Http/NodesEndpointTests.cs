using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Browser.Tests.Support;

namespace Chorus.Browser.Tests.Http;

[Collection(WatchedAggregator.Collection)]
public sealed class NodesEndpointTests(WatchedAggregator watched)
{
    private readonly HttpClient _http = watched.Http;

    [Fact]
    public async Task Nodes_api_shows_an_exited_process_with_its_code_and_a_running_one_with_its_pid()
    {
        var node = await Poll(async () =>
        {
            var body = JsonNode.Parse(await _http.GetStringAsync("api/nodes"))!;
            var alpha = body["nodes"]!.AsArray().SingleOrDefault(n => (string?)n!["node"] == WatchedAggregator.Node);
            return alpha is not null && Process(alpha, "once")?["state"]?.GetValue<string>() == "exited"
                   && Process(alpha, "web")?["lines"]?.GetValue<long>() > 0 ? alpha : null;
        });

        Assert.Equal("up", (string?)node["state"]);
        Assert.Matches(@"^\d+\.\d+\.\d+\+([0-9a-f]{7,}|unknown)$", (string?)node["version"]); // the embedded node's build, as --version prints it
        var lastSeen = DateTime.ParseExact((string)node["last_seen"]!, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        Assert.InRange(lastSeen, DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow.AddMinutes(1));
        var once = Process(node, "once")!;
        Assert.Equal(3, (int?)once["code"]);
        Assert.Null(once["signal"]);
        Assert.Equal(1, (long?)once["lines"]);
        var web = Process(node, "web")!;
        Assert.Equal("running", (string?)web["state"]);
        Assert.True((int?)web["pid"] > 0);
        Assert.Null(web["code"]);
        Assert.Equal(["behind", "markup", "once", "web", "worker"], node["processes"]!.AsArray().Select(p => (string?)p!["proc"]));
    }

    [Fact]
    public async Task Healthz_answers_ok()
    {
        Assert.Equal("ok\n", await _http.GetStringAsync("healthz"));
    }

    private static JsonNode? Process(JsonNode node, string name) =>
        node["processes"]!.AsArray().SingleOrDefault(p => (string?)p!["proc"] == name);

    private static async Task<JsonNode> Poll(Func<Task<JsonNode?>> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await attempt() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("/api/nodes never showed what the test waits for.");
            await Task.Delay(100);
        }
    }
}
