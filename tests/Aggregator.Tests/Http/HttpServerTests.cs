using Chorus.Aggregator.Control;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Aggregator.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Aggregator.Tests.Http;

/// <summary>The HTTP server as the aggregator starts it, on a real Kestrel.</summary>
public sealed class HttpServerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // `chorus-aggregator > out.log` writes under the working directory: a watch on it woke a thread for every write.
    [Fact]
    public async Task Nothing_watches_the_working_directory_for_configuration()
    {
        var feed = new LiveFeed(10, DateTime.UtcNow);
        var board = new StatusBoard();
        var metrics = new ChorusMetrics(TestSettings.NothingPending(), feed, board, Sys, Wait);
        using var state = new StateDirectory();
        var (app, _) = await HttpServer.StartAsync(new HttpServices(feed, board, new FleetDirectory(), new FleetControl(CreateTestProbe().Ref, Wait), metrics,
                new TaskQueue(CreateTestProbe().Ref, state.Open(), Wait)),
            TestSettings.Aggregator("chorus.aggregator.http = \"127.0.0.1:0\""), token: null, watchToken: null);
        await using var _app = app;

        Assert.Equal(AppContext.BaseDirectory, app.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file} reloads on change"));
    }
}
