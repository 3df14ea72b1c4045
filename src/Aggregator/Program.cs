using System.CommandLine;
using Akka.Actor;
using Chorus.Aggregator;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Node;

// chorus-aggregator: flags -> config -> actor system -> sinks, merge, ingest (the flow, backwards) ->
// HTTP -> the embedded node, if any -> wait for a signal or for the embedded node to finish -> flush.
return await CommandLine.InvokeAsync(AggregatorOptions.CreateCommand(), args, Run);

static async Task<int> Run(ParseResult parsed)
{
    var options = AggregatorOptions.From(parsed);
    var config = ConfigFile.Compose(options.HoconOverrides, parsed, "aggregator.conf", "node.conf", "wire.conf");
    var settings = AggregatorSettings.From(config);
    ListenPolicy.Check(settings.Listen, "--listen", options.Security);
    ListenPolicy.Check(settings.Http, "--http", options.Security);
    var token = options.Security.Token;
    // Repaired before the writer opens it for appending; what it holds tells ingest which batches are repeats.
    // A path that cannot be used stops the aggregator now: it must not accept lines it cannot keep.
    IReadOnlyDictionary<string, ArchivedNode>? archived;
    try
    {
        archived = settings.ArchivePath is { } path ? ArchiveFile.Repair(path) : null;
    }
    catch (CannotArchiveException e)
    {
        Notice.Error(e.Message);
        return ExitCodes.CannotArchive;
    }

    var tls = options.Security.Tls;
    using var system = RemoteSystem.Start(config, "--listen", settings.Listen, tls);
    IRecordFormatter formatter = settings.Format == OutputFormat.Json ? new JsonFormatter() : new TextFormatter(options.Color);
    // What ingest accepted and a sink has not finished with: its bound is where backpressure starts.
    var backlog = new OutputBacklog(settings.MaxPendingRecords, settings.MaxPendingBytes);
    var stdout = system.ActorOf(StdoutSink.Props(Console.OpenStandardOutput(), formatter, backlog.AddSink("stdout")), "stdout");
    var feed = new LiveFeed(settings.BacklogCapacity, DateTime.UtcNow);
    var feedSink = system.ActorOf(HandOffSink.Props(feed.Publish, backlog.AddSink("live feed")), "live-feed");
    var board = new StatusBoard();
    var boardSink = system.ActorOf(HandOffSink.Props(board.Apply, backlog.AddSink("status board")), "status-board");
    var merge = system.ActorOf(MergeActor.Props([stdout, feedSink, boardSink], settings), "merge");
    var archive = archived is null ? null : new ArchiveLink(system.ActorOf(ArchiveActor.Props(settings.ArchivePath!, merge), "archive"), archived);
    system.ActorOf(IngestActor.Props(merge, backlog, settings, token, archive), "ingest");

    var (web, http) = await HttpServer.StartAsync(settings.Http, feed, board, settings, token, tls?.Certificate);
    Notice.Write($"nodes join at {RemoteSystem.BoundAddress(system)}");
    Notice.Write($"watch at {(tls is null ? "http" : "https")}://{http}/");

    var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var embedded = options.Entries is { } entries
        ? NodeHost.Start(system, options.NodeName, entries, "/user/ingest", NodeSettings.From(config), new MonotonicClock(), token?.Value ?? "")
        : null;
    using var signals = embedded is null
        ? new ShutdownSignals(() => stopRequested.TrySetResult(), () => stopRequested.TrySetResult())
        : new ShutdownSignals(embedded.Stop, embedded.Kill);

    var exitCode = embedded is null ? await stopRequested.Task.ContinueWith(_ => ExitCodes.Success) : await embedded.ExitCode;

    // Whatever the reorder window still holds goes out before the process ends.
    // With an archive, through it: batches it is still writing go out first.
    await (archive?.Writer ?? merge).Ask<MergeActor.Flushed>(new MergeActor.FlushAll(), settings.ShutdownFlushTimeout);
    feed.CompleteAll();
    using var stopping = new CancellationTokenSource(settings.ShutdownHttpTimeout);
    await web.StopAsync(stopping.Token);
    await system.Terminate();
    return exitCode;
}
